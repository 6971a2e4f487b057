package dev.darkroom.emulators.storage;

import com.google.auth.ServiceAccountSigner;
import com.google.auth.Credentials;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.net.URL;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract against real Cloud Storage (run with {@code -Psystem}): Application
 * Default Credentials, a bucket named by {@code DARKROOM_SYSTEM_TEST_BUCKET}.
 */
class StorageSystemIT extends StorageContract {
  static final String BUCKET_VARIABLE = "DARKROOM_SYSTEM_TEST_BUCKET";
  static Storage storage;
  static String bucket;

  @BeforeAll
  static void connect() {
    bucket = System.getenv(BUCKET_VARIABLE);
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalStateException(BUCKET_VARIABLE + " is not set: name a bucket the system tests may write to");
    }
    storage = StorageOptions.getDefaultInstance().getService();
  }

  @Override
  Storage storage() {
    return storage;
  }

  @Override
  String bucket() {
    return bucket;
  }

  @Override
  URL signedGetUrl(BlobInfo blob, Duration validity) {
    Credentials credentials = storage.getOptions().getCredentials();
    if (!(credentials instanceof ServiceAccountSigner signer)) {
      throw new IllegalStateException("Signing needs service-account (or impersonated) default credentials, got "
          + credentials.getClass().getName() + "; set GOOGLE_APPLICATION_CREDENTIALS to a key file or use"
          + " gcloud auth application-default login --impersonate-service-account=...");
    }
    return storage.signUrl(blob, validity.toSeconds(), TimeUnit.SECONDS,
        Storage.SignUrlOption.withV4Signature(), Storage.SignUrlOption.signWith(signer));
  }

  @Override
  URL signedPostUrl(BlobInfo blob, Duration validity, java.util.Map<String, String> headers) {
    ServiceAccountSigner signer = (ServiceAccountSigner) storage.getOptions().getCredentials();
    return storage.signUrl(blob, validity.toSeconds(), TimeUnit.SECONDS, Storage.SignUrlOption.withV4Signature(),
        Storage.SignUrlOption.httpMethod(com.google.cloud.storage.HttpMethod.POST),
        Storage.SignUrlOption.withExtHeaders(headers), Storage.SignUrlOption.signWith(signer));
  }

}
