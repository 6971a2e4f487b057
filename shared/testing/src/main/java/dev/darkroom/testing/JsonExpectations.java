package dev.darkroom.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Compares a JSON answer with an expectation written down from another implementation's source
 * (the ComfyUI conformance tables). Objects must have the same keys, arrays the same items in order,
 * numbers the same value (Python writes {@code 5.0} where Java may write {@code 5}; a JSON client
 * cannot tell them apart). An expectation may hold matchers, one-key objects:
 * {@code {"$type": "string|number|array|object|boolean|null"}} for a value the other side makes up
 * (a uuid, a counter, a timestamp), {@code {"$anyOrder": [...]}} for a list built from an unordered
 * set, {@code {"$negative": true}} for a number below zero.
 */
public final class JsonExpectations {
  private JsonExpectations() {}

  /** What differs between {@code expected} and {@code actual}, one line each; empty when they agree. */
  public static List<String> mismatches(JsonNode expected, JsonNode actual) {
    List<String> out = new ArrayList<>();
    match(expected, actual, "", out);
    return out;
  }

  /** {@link #mismatches} at {@code at}, added to {@code out}. */
  public static void match(JsonNode expected, JsonNode actual, String at, List<String> out) {
    if (expected.isObject() && expected.size() == 1 && expected.fieldNames().next().startsWith("$")) {
      matcher(expected, actual, at, out);
    } else if (actual == null || actual.isMissingNode()) {
      out.add(at + ": missing, expected " + expected);
    } else if (expected.isNumber() && actual.isNumber()) {
      if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
        out.add(at + ": expected " + expected + ", got " + actual);
      }
    } else if (expected.isObject() && actual.isObject()) {
      for (Iterator<String> names = actual.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!expected.has(name)) {
          out.add(at + "/" + name + ": not expected (" + actual.get(name) + ")");
        }
      }
      expected.fields().forEachRemaining(e -> match(e.getValue(), actual.get(e.getKey()), at + "/" + e.getKey(), out));
    } else if (expected.isArray() && actual.isArray()) {
      if (expected.size() != actual.size()) {
        out.add(at + ": expected " + expected + ", got " + actual);
        return;
      }
      for (int i = 0; i < expected.size(); i++) {
        match(expected.get(i), actual.get(i), at + "/" + i, out);
      }
    } else if (!expected.equals(actual)) {
      out.add(at + ": expected " + expected + ", got " + actual);
    }
  }

  private static void matcher(JsonNode expected, JsonNode actual, String at, List<String> out) {
    String kind = expected.fieldNames().next();
    JsonNode argument = expected.get(kind);
    boolean present = actual != null && !actual.isMissingNode();
    switch (kind) {
      case "$type" -> {
        String type = !present ? "missing" : actual.isTextual() ? "string" : actual.isNumber() ? "number"
            : actual.isArray() ? "array" : actual.isObject() ? "object" : actual.isBoolean() ? "boolean" : "null";
        if (!type.equals(argument.asText())) {
          out.add(at + ": expected a " + argument.asText() + ", got " + actual);
        }
      }
      case "$negative" -> {
        if (!present || !actual.isNumber() || actual.decimalValue().signum() >= 0) {
          out.add(at + ": expected a negative number, got " + actual);
        }
      }
      case "$anyOrder" -> anyOrder(argument, actual, at, out);
      default -> out.add(at + ": unknown matcher " + kind);
    }
  }

  private static void anyOrder(JsonNode expected, JsonNode actual, String at, List<String> out) {
    if (actual == null || !actual.isArray() || actual.size() != expected.size()) {
      out.add(at + ": expected " + expected + " in any order, got " + actual);
      return;
    }
    List<JsonNode> left = new ArrayList<>();
    actual.forEach(left::add);
    for (JsonNode item : expected) {
      JsonNode found = left.stream().filter(candidate -> mismatches(item, candidate).isEmpty()).findFirst().orElse(null);
      if (found == null) {
        out.add(at + ": " + item + " not among " + actual);
      } else {
        left.remove(found);
      }
    }
  }
}
