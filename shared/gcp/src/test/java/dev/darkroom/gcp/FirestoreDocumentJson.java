package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.Timestamp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Firestore document's fields as JSON in the shape of Firestore's REST API ({@code Value}:
 * {@code stringValue}, {@code integerValue} as a string, {@code doubleValue}, {@code timestampValue},
 * ...), so a golden file pins each field's Firestore type as well as its value; and back, typed as
 * the Java client reads them (integers as {@code Long}, timestamps as {@link Timestamp}). Also reads
 * the golden files under {@code src/test/resources/wire/}.
 */
final class FirestoreDocumentJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FirestoreDocumentJson() {}

  static JsonNode golden(String release, String name) {
    String path = "/wire/" + release + "/" + name + ".json";
    try (InputStream in = FirestoreDocumentJson.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no golden file " + path);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode fields(Map<String, Object> document) {
    ObjectNode fields = JSON.createObjectNode();
    document.forEach((name, value) -> fields.set(name, value(value)));
    return fields;
  }

  static Map<String, Object> document(JsonNode fields) {
    Map<String, Object> document = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      document.put(field.getKey(), javaValue(field.getValue()));
    }
    return document;
  }

  @SuppressWarnings("unchecked")
  private static ObjectNode value(Object value) {
    ObjectNode typed = JSON.createObjectNode();
    if (value == null) {
      typed.putNull("nullValue");
    } else if (value instanceof String s) {
      typed.put("stringValue", s);
    } else if (value instanceof Boolean b) {
      typed.put("booleanValue", b);
    } else if (value instanceof Integer || value instanceof Long) {
      typed.put("integerValue", value.toString());
    } else if (value instanceof Double d) {
      typed.put("doubleValue", d);
    } else if (value instanceof Timestamp t) {
      typed.put("timestampValue", Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString());
    } else if (value instanceof List<?> list) {
      ArrayNode values = typed.putObject("arrayValue").putArray("values");
      list.forEach(element -> values.add(value(element)));
    } else if (value instanceof Map<?, ?> map) {
      typed.putObject("mapValue").set("fields", fields((Map<String, Object>) map));
    } else {
      throw new IllegalArgumentException("no Firestore type for " + value.getClass());
    }
    return typed;
  }

  private static Object javaValue(JsonNode typed) {
    String type = typed.fieldNames().next();
    JsonNode value = typed.get(type);
    switch (type) {
      case "nullValue":
        return null;
      case "stringValue":
        return value.textValue();
      case "booleanValue":
        return value.booleanValue();
      case "integerValue":
        return Long.valueOf(value.textValue());
      case "doubleValue":
        return value.doubleValue();
      case "timestampValue":
        Instant instant = Instant.parse(value.textValue());
        return Timestamp.ofTimeSecondsAndNanos(instant.getEpochSecond(), instant.getNano());
      case "arrayValue":
        List<Object> list = new ArrayList<>();
        value.path("values").forEach(element -> list.add(javaValue(element)));
        return list;
      case "mapValue":
        return document(value.get("fields"));
      default:
        throw new IllegalArgumentException("not a Firestore value type: " + type);
    }
  }
}
