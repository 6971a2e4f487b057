package dev.darkroom.emulators.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** What a writer asks an object to look like: the settable fields of an object resource. */
record ObjectSpec(
    String name,
    String contentType,
    String contentEncoding,
    String contentDisposition,
    String contentLanguage,
    String cacheControl,
    Map<String, String> metadata) {

  ObjectSpec {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  static ObjectSpec named(String name) {
    return new ObjectSpec(name, null, null, null, null, null, Map.of());
  }

  /** Reads an object resource sent by a client; unknown or read-only fields are ignored. */
  static ObjectSpec fromJson(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return named(null);
    }
    if (!node.isObject()) {
      throw GcsException.badRequest("The object resource must be a JSON object");
    }
    return new ObjectSpec(
        text(node, "name"),
        text(node, "contentType"),
        text(node, "contentEncoding"),
        text(node, "contentDisposition"),
        text(node, "contentLanguage"),
        text(node, "cacheControl"),
        metadataOf(node.get("metadata"), new TreeMap<>()));
  }

  ObjectSpec withName(String newName) {
    return new ObjectSpec(newName, contentType, contentEncoding, contentDisposition, contentLanguage,
        cacheControl, metadata);
  }

  ObjectSpec withDefaultContentType(String fallback) {
    return contentType != null ? this : new ObjectSpec(name, fallback, contentEncoding,
        contentDisposition, contentLanguage, cacheControl, metadata);
  }

  /**
   * Applies {@code metadata} from a PATCH body to {@code into}: keys set to JSON null are
   * removed, others set, as in GCS's patch semantics.
   */
  static Map<String, String> metadataOf(JsonNode metadata, Map<String, String> into) {
    if (metadata == null || metadata.isNull()) {
      return into;
    }
    if (!metadata.isObject()) {
      throw GcsException.badRequest("'metadata' must be a JSON object of string values");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getValue().isNull()) {
        into.remove(entry.getKey());
      } else if (entry.getValue().isValueNode()) {
        into.put(entry.getKey(), entry.getValue().asText());
      } else {
        throw GcsException.badRequest("metadata." + entry.getKey() + " must be a string");
      }
    }
    return into;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      throw GcsException.badRequest("'" + field + "' must be a string");
    }
    return value.asText();
  }
}
