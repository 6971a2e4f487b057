package dev.darkroom.core.port;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What the API does to the models bucket itself: hands out URLs that upload straight into it (so
 * multi-GB files never pass through a function) and deletes files. Reading bytes is
 * {@link ModelFiles}'.
 */
public interface ModelBucket {

  /**
   * What a client sends to start a resumable upload: {@code method} to {@code url} with exactly
   * {@code headers}; the answer's {@code Location} is the session URI to send the bytes to.
   *
   * @param expiresAt after it the URL no longer starts an upload (a started session outlives it)
   */
  record SignedUpload(URI url, String method, Map<String, String> headers, Instant expiresAt) {
    public SignedUpload {
      headers = Map.copyOf(headers);
    }
  }

  /**
   * A signed URL that starts a resumable upload of {@code objectName}, which the bucket accepts
   * only if it is exactly {@code size} bytes.
   */
  SignedUpload signResumableUpload(String objectName, long size, Duration ttl);

  /** Deletes the live generation of {@code objectName}; returns it, or empty if there was none. */
  OptionalLong delete(String objectName);
}
