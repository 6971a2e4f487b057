package dev.darkroom.gcp;

import com.google.auth.ServiceAccountSigner;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How this deployment signs V4 URLs to its buckets: with the given signer (locally the Storage
 * emulator's key) or else the client's own credentials (in the cloud the service account, through
 * IAM signBlob), pointed at the given host (locally the emulator) or storage.googleapis.com.
 *
 * @param signer null to use the client's own credentials
 * @param host null for storage.googleapis.com
 */
record UrlSigning(ServiceAccountSigner signer, String host) {

  /** A V4 signed URL for {@code bucket/objectName}, valid for {@code ttl}, with {@code options} added. */
  URI sign(Storage storage, String bucket, String objectName, Duration ttl, Storage.SignUrlOption... options) {
    List<Storage.SignUrlOption> all = new ArrayList<>(List.of(options));
    all.add(Storage.SignUrlOption.withV4Signature());
    if (signer != null) {
      all.add(Storage.SignUrlOption.signWith(signer));
    }
    if (host != null) {
      all.add(Storage.SignUrlOption.withHostName(host));
    }
    try {
      return storage.signUrl(BlobInfo.newBuilder(BlobId.of(bucket, objectName)).build(), ttl.toSeconds(),
          TimeUnit.SECONDS, all.toArray(Storage.SignUrlOption[]::new)).toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("signed URL is not a URI", e);
    }
  }
}
