package dev.darkroom.core.port;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Where outputs live (a Cloud Storage bucket in the cloud). */
public interface OutputStore {

  /** Stores {@code content} under {@code objectName}, replacing any object of that name. */
  StoredObject put(String objectName, String contentType, InputStream content);

  Optional<StoredObject> stat(String objectName);

  /**
   * The object's bytes, or empty if there is no such object; for the few small objects the API
   * must look into (an upload's original when a mask is applied), never for serving outputs.
   */
  Optional<byte[]> read(String objectName);

  /** A URL that lets its holder read the object until {@code ttl} passes, and nothing else. */
  URI signedReadUrl(String objectName, Duration ttl);

  record StoredObject(String objectName, String contentType, long size, String sha256) {}
}
