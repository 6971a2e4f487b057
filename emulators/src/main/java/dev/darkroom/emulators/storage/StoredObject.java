package dev.darkroom.emulators.storage;

import java.util.Map;

/**
 * One live object: the content of its JSON sidecar file. Times are RFC 3339 strings so the
 * sidecar reads the same as the API resource; hashes are base64 as GCS reports them.
 */
record StoredObject(
    String bucket,
    String name,
    long generation,
    long metageneration,
    long size,
    String contentType,
    String contentEncoding,
    String contentDisposition,
    String contentLanguage,
    String cacheControl,
    String md5Hash,
    String crc32c,
    String timeCreated,
    String updated,
    Map<String, String> metadata) {

  StoredObject {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
