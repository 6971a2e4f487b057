package dev.darkroom.emulators.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The JSON API's resource shapes, as the client's generated model classes parse them. */
final class Resources {
  private Resources() {}

  static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode object(StoredObject o, String baseUrl) {
    String encodedName = UriEncoding.encode(o.name());
    ObjectNode node = JSON.createObjectNode()
        .put("kind", "storage#object")
        .put("id", o.bucket() + "/" + o.name() + "/" + o.generation())
        .put("selfLink", baseUrl + "/storage/v1/b/" + o.bucket() + "/o/" + encodedName)
        .put("mediaLink", baseUrl + "/download/storage/v1/b/" + o.bucket() + "/o/" + encodedName
            + "?generation=" + o.generation() + "&alt=media")
        .put("name", o.name())
        .put("bucket", o.bucket())
        // int64 fields are JSON strings in the JSON API
        .put("generation", Long.toString(o.generation()))
        .put("metageneration", Long.toString(o.metageneration()))
        .put("contentType", o.contentType())
        .put("storageClass", "STANDARD")
        .put("size", Long.toString(o.size()))
        .put("md5Hash", o.md5Hash())
        .put("crc32c", o.crc32c())
        .put("etag", etag(o))
        .put("timeCreated", o.timeCreated())
        .put("updated", o.updated())
        .put("timeStorageClassUpdated", o.timeCreated())
        .put("timeFinalized", o.timeCreated());
    putIfSet(node, "contentEncoding", o.contentEncoding());
    putIfSet(node, "contentDisposition", o.contentDisposition());
    putIfSet(node, "contentLanguage", o.contentLanguage());
    putIfSet(node, "cacheControl", o.cacheControl());
    if (!o.metadata().isEmpty()) {
      ObjectNode metadata = node.putObject("metadata");
      o.metadata().forEach(metadata::put);
    }
    return node;
  }

  static ObjectNode bucket(StoredBucket b, String baseUrl) {
    return JSON.createObjectNode()
        .put("kind", "storage#bucket")
        .put("id", b.name())
        .put("selfLink", baseUrl + "/storage/v1/b/" + b.name())
        .put("projectNumber", "0")
        .put("name", b.name())
        .put("timeCreated", b.timeCreated())
        .put("updated", b.timeCreated())
        .put("metageneration", "1")
        .put("location", b.location())
        .put("locationType", "multi-region")
        .put("storageClass", b.storageClass())
        .put("etag", "CAE=");
  }

  static String etag(StoredObject o) {
    return Base64.getEncoder().encodeToString(
        (o.generation() + "/" + o.metageneration()).getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode error(int code, String reason, String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error").put("code", code).put("message", message);
    error.putArray("errors").addObject()
        .put("message", message)
        .put("domain", "global")
        .put("reason", reason);
    return root;
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
