package dev.darkroom.gcp;

import com.google.auth.ServiceAccountSigner;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.HttpMethod;
import com.google.cloud.storage.Storage;
import dev.darkroom.core.port.ModelBucket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@link ModelBucket} on the models bucket. An upload URL is a V4 signed {@code POST} with
 * {@code x-goog-resumable: start} (XML API resumable uploads): the client sends it, gets the
 * session URI in {@code Location} and {@code PUT}s the bytes there, in one request or in chunks.
 * The signed {@code x-goog-content-length-range: N,N} makes Cloud Storage refuse an upload of any
 * other size. Signed as the outputs' URLs are ({@link UrlSigning}). A delete names the generation
 * it read, so it deletes exactly the generation it returns.
 */
public final class GcsModelBucket implements ModelBucket {
  static final String RESUMABLE = "x-goog-resumable";
  static final String LENGTH_RANGE = "x-goog-content-length-range";

  private final Storage storage;
  private final String bucket;
  private final UrlSigning signing;
  private final Clock clock;

  /** @param signer and {@code signingHost} as for {@link GcsOutputStore} */
  public GcsModelBucket(Storage storage, String bucket, ServiceAccountSigner signer, String signingHost, Clock clock) {
    this.storage = storage;
    this.bucket = bucket;
    this.signing = new UrlSigning(signer, signingHost);
    this.clock = clock;
  }

  @Override
  public SignedUpload signResumableUpload(String objectName, long size, Duration ttl) {
    Map<String, String> headers = Map.of(RESUMABLE, "start", LENGTH_RANGE, size + "," + size);
    return new SignedUpload(signing.sign(storage, bucket, objectName, ttl,
        Storage.SignUrlOption.httpMethod(HttpMethod.POST), Storage.SignUrlOption.withExtHeaders(headers)),
        "POST", headers, clock.instant().plus(ttl));
  }

  @Override
  public OptionalLong delete(String objectName) {
    while (true) {
      Blob live = storage.get(BlobId.of(bucket, objectName));
      if (live == null) {
        return OptionalLong.empty();
      }
      // Deleting the generation read: if another upload replaced it meanwhile, read again.
      if (storage.delete(BlobId.of(bucket, objectName, live.getGeneration()))) {
        return OptionalLong.of(live.getGeneration());
      }
    }
  }
}
