package dev.darkroom.gcp;

import com.google.auth.ServiceAccountSigner;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.darkroom.core.port.OutputStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * {@link OutputStore} on a Cloud Storage bucket. The SHA-256 is computed as the output is read and
 * sent in the upload's own metadata; reads go through V4 signed URLs, never through the function.
 */
public final class GcsOutputStore implements OutputStore {
  private static final String SHA256_KEY = "sha256";
  /** Outputs up to this size (images, mostly) are uploaded from memory in one request. */
  static final int IN_MEMORY_LIMIT = 16 * 1024 * 1024;

  private final Storage storage;
  private final String bucket;
  private final UrlSigning signing;
  private final int inMemoryLimit;

  /**
   * @param signer signs URLs; null to use the client's own credentials (in the cloud: the
   *     service account, through IAM signBlob)
   * @param signingHost the host signed URLs point at; null for storage.googleapis.com
   */
  public GcsOutputStore(Storage storage, String bucket, ServiceAccountSigner signer, String signingHost) {
    this(storage, bucket, signer, signingHost, IN_MEMORY_LIMIT);
  }

  GcsOutputStore(Storage storage, String bucket, ServiceAccountSigner signer, String signingHost, int inMemoryLimit) {
    this.inMemoryLimit = inMemoryLimit;
    this.storage = storage;
    this.bucket = bucket;
    this.signing = new UrlSigning(signer, signingHost);
  }

  /**
   * One request for an output up to {@link #IN_MEMORY_LIMIT} (a multipart upload, the hash in its
   * metadata); a larger one is spooled to a temporary file while hashed, then uploaded with the hash
   * from that file. Either way the hash is in the upload itself, not a metadata update after it.
   */
  @Override
  public StoredObject put(String objectName, String contentType, InputStream content) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (DigestInputStream digesting = new DigestInputStream(content, sha256)) {
      byte[] head = digesting.readNBytes(inMemoryLimit + 1);
      if (head.length <= inMemoryLimit) {
        String hash = HexFormat.of().formatHex(sha256.digest());
        Blob blob = storage.create(describe(objectName, contentType, hash), head);
        return new StoredObject(objectName, contentType, blob.getSize(), hash);
      }
      Path spool = Files.createTempFile("darkroom-output-", ".part");
      try {
        try (OutputStream out = Files.newOutputStream(spool)) {
          out.write(head);
          digesting.transferTo(out);
        }
        String hash = HexFormat.of().formatHex(sha256.digest());
        Blob blob = storage.createFrom(describe(objectName, contentType, hash), spool);
        return new StoredObject(objectName, contentType, blob.getSize(), hash);
      } finally {
        Files.deleteIfExists(spool);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("uploading " + objectName, e);
    }
  }

  private BlobInfo describe(String objectName, String contentType, String sha256) {
    return BlobInfo.newBuilder(BlobId.of(bucket, objectName)).setContentType(contentType)
        .setMetadata(Map.of(SHA256_KEY, sha256)).build();
  }

  @Override
  public Optional<StoredObject> stat(String objectName) {
    Blob blob = storage.get(BlobId.of(bucket, objectName));
    if (blob == null) {
      return Optional.empty();
    }
    Map<String, String> metadata = blob.getMetadata();
    return Optional.of(new StoredObject(objectName, blob.getContentType(), blob.getSize(),
        metadata == null ? null : metadata.get(SHA256_KEY)));
  }

  @Override
  public Optional<byte[]> read(String objectName) {
    try {
      return Optional.of(storage.readAllBytes(BlobId.of(bucket, objectName)));
    } catch (com.google.cloud.storage.StorageException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public URI signedReadUrl(String objectName, Duration ttl) {
    return signing.sign(storage, bucket, objectName, ttl);
  }
}
