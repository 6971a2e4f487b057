package dev.darkroom.functions.api.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.HttpRequest;
import dev.darkroom.core.comfy.PromptError;
import dev.darkroom.core.job.PromptIds;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.usecase.PromptRequests;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Request bodies, read with a bound ({@link InputLimits}): the body itself, then as JSON its
 * nesting (by the parser, as it reads, so a 10,000-level document is never built), its strings
 * and keys (lengths, and well-formed Unicode: a lone surrogate could not be written back out).
 */
public final class RequestBodies {
  /** Parses request bodies only; replies are written with {@link Replies#JSON}. */
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(InputLimits.JSON_DEPTH).build())
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  /** The longest string a body with file values may hold: a file as base64 and a data: URL's header. */
  private static final int FILE_VALUE_CHARS = InputLimits.UPLOAD_BASE64_CHARS + InputLimits.JSON_KEY_CHARS;
  /** {@link #JSON} with room for one file as a string value ({@link #parseWithFileValues}). */
  private static final ObjectMapper JSON_WITH_FILE_VALUES = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(InputLimits.JSON_DEPTH)
          .maxStringLength(FILE_VALUE_CHARS).build())
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final int SHOWN_POINTER_CHARS = 120;

  private RequestBodies() {}

  /**
   * Why a body cannot be used: {@code status} 413 when something in it is too long, 400 when it
   * is malformed; {@code reason} says which, for the client.
   */
  public static final class Unusable extends Exception {
    final int status;

    Unusable(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
    }

    /** 413 for a bound passed, 400 otherwise. */
    public int status() {
      return status;
    }

    /** As the plain-text refusal of a non-ComfyUI-shaped route. */
    Replies.Refusal refusal() {
      return status == 413 ? tooLarge(getMessage()) : Replies.Refusal.badRequest(getMessage());
    }
  }

  /**
   * The body, or a 413 refusal when it is (or declares itself) longer than {@code limit}; a body
   * that ends before its declared length, or whose chunked encoding breaks, is a 400.
   */
  public static byte[] read(HttpRequest request, int limit) {
    if (request.getContentLength() > limit) {
      throw tooLarge("the body is " + request.getContentLength() + " bytes; the limit here is " + limit + " bytes");
    }
    try (InputStream in = request.getInputStream()) {
      long declared = request.getContentLength();
      if (declared >= 0) {
        // Read into one array of the declared size: readNBytes(n) would gather chunks and copy them.
        byte[] body = new byte[(int) declared];
        int read = in.readNBytes(body, 0, body.length);
        if (read < body.length) {
          return java.util.Arrays.copyOf(body, read); // shorter than declared: what came, as before
        }
        int next = in.read();
        if (next == -1) {
          return body;
        }
        // Longer than declared (a transfer coding undone on the way): the rest, up to the limit.
        java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
        whole.write(body);
        whole.write(next);
        whole.write(in.readNBytes(limit + 1 - whole.size()));
        if (whole.size() > limit) {
          throw tooLarge("the body is over the limit here of " + limit + " bytes");
        }
        return whole.toByteArray();
      }
      byte[] body = in.readNBytes(limit + 1);
      if (body.length > limit) {
        throw tooLarge("the body is over the limit here of " + limit + " bytes");
      }
      return body;
    } catch (IOException e) {
      throw Replies.Refusal.badRequest("the body could not be read to its end (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * The body as JSON whatever its Content-Type says (aiohttp's {@code request.json()} ignores it,
   * so clients send JSON labelled {@code application/x-www-form-urlencoded}), checked against the
   * JSON limits of {@link InputLimits}.
   */
  /**
   * A {@code POST /prompt}-shaped body as a submission, or the ComfyUI-shaped error to answer with:
   * the body is JSON whatever its Content-Type says, as ComfyUI reads it.
   */
  public static PromptRequests.Parsed promptRequest(byte[] body, String userId) {
    return promptRequest(body, userId, PromptRequests::parse);
  }

  /** {@link #promptRequest(byte[], String)}, the parsed body read by {@code reader}. */
  public static PromptRequests.Parsed promptRequest(byte[] body, String userId,
      java.util.function.BiFunction<JsonNode, String, PromptRequests.Parsed> reader) {
    try {
      return reader.apply(parse(body), userId);
    } catch (Unusable e) {
      return PromptRequests.Parsed.refused(
          e.status == 413 ? PromptError.tooLarge(e.getMessage()) : PromptError.invalidBody(e.getMessage()));
    }
  }

  public static JsonNode parse(byte[] body) throws Unusable {
    return parse(JSON, body, null);
  }

  /**
   * {@link #parse}, except that the string values of the top-level object's {@code fileValuesKey}
   * (a deployment run's {@code inputs}: an image may be given as base64) may each be as long as an
   * upload-sized file as base64. The body's own bound is the caller's.
   */
  public static JsonNode parseWithFileValues(byte[] body, String fileValuesKey) throws Unusable {
    return parse(JSON_WITH_FILE_VALUES, body, fileValuesKey);
  }

  private static JsonNode parse(ObjectMapper json, byte[] body, String fileValuesKey) throws Unusable {
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (StreamConstraintsException e) {
      throw new Unusable(400, String.valueOf(e.getOriginalMessage()).contains("nesting depth")
          ? "the JSON is nested more than " + InputLimits.JSON_DEPTH + " levels deep"
          : "the JSON exceeds a parser limit: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new Unusable(400, "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException | RuntimeException e) {
      throw new Unusable(400, "the body is not valid JSON (" + e.getClass().getSimpleName() + ")");
    }
    if (node == null || node.isMissingNode()) {
      throw new Unusable(400, "the body is empty, not JSON");
    }
    checkStrings(node, new ArrayDeque<>(), fileValuesKey);
    return node;
  }

  /** {@link #parse}, or empty when the body cannot be used, for routes that read such a body as {@code {}}. */
  public static Optional<JsonNode> json(byte[] body) {
    try {
      return Optional.of(parse(body));
    } catch (Unusable e) {
      return Optional.empty();
    }
  }

  /** A control body of any JSON value ({@code POST /settings/{id}}): 400 when it is no JSON, 413 past the limit. */
  public static JsonNode jsonValue(HttpRequest request) {
    try {
      return parse(read(request, InputLimits.CONTROL_BODY_BYTES));
    } catch (Unusable e) {
      throw e.refusal();
    }
  }

  /** A control body ({@code /queue}, {@code /history}) that must be a JSON object: 400 otherwise. */
  public static JsonNode jsonObject(HttpRequest request) {
    JsonNode node;
    try {
      node = parse(read(request, InputLimits.CONTROL_BODY_BYTES));
    } catch (Unusable e) {
      throw e.refusal();
    }
    if (!node.isObject()) {
      throw Replies.Refusal.badRequest("the body must be a JSON object");
    }
    return node;
  }

  /**
   * Nesting is bounded by the parser, so this walk's recursion is too. The walk keeps the path as
   * keys and indices and writes it as a JSON pointer only for a refusal: every string and key of
   * every body is checked, and naming each one cost more than checking it.
   */
  private static void checkStrings(JsonNode node, Deque<Object> path, String fileValuesKey) throws Unusable {
    if (node.isTextual()) {
      boolean fileValue = fileValuesKey != null && path.size() == 2 && fileValuesKey.equals(path.getFirst());
      checkString(node.textValue(), fileValue ? FILE_VALUE_CHARS : InputLimits.JSON_STRING_CHARS, "the string at ", path);
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        checkString(field.getKey(), InputLimits.JSON_KEY_CHARS, "a key in ", path);
        path.addLast(field.getKey());
        checkStrings(field.getValue(), path, fileValuesKey);
        path.removeLast();
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        path.addLast(i);
        checkStrings(node.get(i), path, fileValuesKey);
        path.removeLast();
      }
    }
  }

  /** @param what how a refusal names the string, before the pointer to where it is */
  private static void checkString(String value, int limit, String what, Deque<Object> path) throws Unusable {
    if (value.length() > limit) {
      throw new Unusable(413, what + shown(pointer(path)) + " has " + value.length() + " characters; at most " + limit
          + " are accepted");
    }
    if (!wellFormed(value)) {
      throw new Unusable(400, what + shown(pointer(path)) + " is not well-formed Unicode (it holds a lone surrogate)");
    }
  }

  /** The JSON pointer (RFC 6901) of a path of keys and indices. */
  private static String pointer(Deque<Object> path) {
    StringBuilder pointer = new StringBuilder();
    for (Object step : path) {
      pointer.append('/').append(step instanceof String key ? key.replace("~", "~0").replace("/", "~1") : step);
    }
    return pointer.toString();
  }

  /** False for a string holding an unpaired UTF-16 surrogate, which has no UTF-8 form. */
  static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static String shown(String pointer) {
    if (pointer.isEmpty()) {
      return "the top level";
    }
    String printable = pointer.codePoints()
        .map(c -> Character.isISOControl(c) || Character.isSurrogate((char) c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
    return printable.codePointCount(0, printable.length()) <= SHOWN_POINTER_CHARS ? printable
        : printable.substring(0, printable.offsetByCodePoints(0, SHOWN_POINTER_CHARS)) + "…";
  }

  public static Replies.Refusal tooLarge(String why) {
    return new Replies.Refusal(413, "413: Request Entity Too Large: " + why);
  }

  /**
   * {@code delete} must list ids; a lone string is taken as one id rather than its characters.
   * Strings that cannot be prompt ids name no job and are dropped.
   */
  public static List<String> idsToDelete(JsonNode body) {
    JsonNode delete = body.get("delete");
    if (delete == null || delete.isNull()) {
      return List.of();
    }
    if (delete.isTextual()) {
      return PromptIds.isValid(delete.textValue()) ? List.of(delete.textValue()) : List.of();
    }
    if (!delete.isArray()) {
      throw Replies.Refusal.badRequest("delete must be a list of prompt ids");
    }
    if (delete.size() > InputLimits.DELETE_IDS) {
      throw tooLarge("delete lists " + delete.size() + " ids; at most " + InputLimits.DELETE_IDS
          + " per request");
    }
    List<String> ids = new ArrayList<>();
    delete.forEach(id -> {
      if (id.isTextual() && PromptIds.isValid(id.textValue())) ids.add(id.textValue());
    });
    return ids;
  }

  /** Python truthiness, which is how ComfyUI reads {@code clear}. */
  public static boolean truthy(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) return false;
    if (v.isBoolean()) return v.booleanValue();
    if (v.isNumber()) return v.doubleValue() != 0;
    if (v.isTextual()) return !v.textValue().isEmpty();
    return v.size() > 0;
  }
}
