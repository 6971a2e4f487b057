package dev.darkroom.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * Malformed and hostile requests to ComfyUI's API, each drawn from its own {@link Random}, so a
 * seed and an index give the same bytes on every run whatever order they are sent in. Built from a
 * real sd1.5 workflow; most are refused, and those built on a {@link #poisoned} copy (a checkpoint
 * no engine has) can never be queued, so few reach the simulated GPU.
 *
 * <p>Request lines that are not HTTP/1.x ({@code GET /}, {@code GET  HTTP/1.1}, {@code HTTP/9.9})
 * are left out: the HTTP server answers them {@code 505 HTTP Version Not Supported}, as RFC 9110
 * asks, before any of Darkroom's code sees them.
 */
final class HostileRequests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] ROUTES = {"/prompt", "/queue", "/interrupt", "/history", "/history/x", "/view",
      "/upload/image", "/upload/mask", "/object_info", "/object_info/KSampler", "/models", "/models/checkpoints",
      "/embeddings", "/system_stats", "/features"};
  private static final String[] ODD_METHODS = {"PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND",
      "MKCOL", "LOCK", "FUZZ", "get", "Post", "M-SEARCH", "BREW", "X".repeat(300)};
  private static final String[] TRAVERSALS = {"../", "..\\", "%2e%2e/", "%2e%2e%2f", "..%2f", "%2e%2e%5c", "..%5c",
      "%252e%252e%252f", "..%c0%af", "%c0%ae%c0%ae/", "....//", "..;/", "/etc/passwd", "C:\\Windows\\win.ini",
      "\\\\server\\share\\x", "%00", "a%00.png", "/", "//", ".", "..", "~/x", "%2F..%2F..%2Fetc%2Fpasswd"};
  private static final String[] WEIRD_STRINGS = {"", " ", "\u0000", "null", "undefined", "NaN", "[object Object]",
      "\u202Egnp.exe", "\uFEFF", "\uD83D\uDCF7", "é", "猫", "\u0085", "\u2028", "a\r\nSet-Cookie: x=1", "%s%n%x",
      "${jndi:ldap://x}", "<script>", "'; DROP TABLE jobs; --", "../../../../etc/passwd", "CON", "nul", "a".repeat(300)};
  private static final String[] CONTENT_TYPES = {null, "", "application/json", "application/json; charset=utf-16",
      "application/json; charset=latin1", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
      "multipart/form-data; boundary=", "multipart/form-data; boundary=\"unterminated", "image/png",
      "application/octet-stream", "*/*", "\u0001\u0002", "application/json; charset=\"bogus\"",
      "multipart/form-data; boundary=" + "b".repeat(200)};

  /** One request as bytes on the wire, with what it is meant to test. */
  record HostileRequest(String kind, byte[] bytes, boolean halfClose) {
    String describe() {
      return kind + ": " + RawHttp.shown(bytes);
    }
  }

  private final ObjectNode workflow;
  private final ObjectNode poisoned;
  private final String host;

  /** @param workflow a valid API-format prompt; {@code host} is what the Host header names */
  HostileRequests(ObjectNode workflow, String host) {
    this.workflow = workflow;
    this.poisoned = workflow.deepCopy();
    this.poisoned.withObject("/4/inputs").put("ckpt_name", "fuzz-no-such-model.safetensors");
    this.host = host;
  }

  HostileRequest next(Random r) {
    int pick = r.nextInt(100);
    if (pick < 42) return prompt(r);
    if (pick < 52) return control(r);
    if (pick < 66) return query(r);
    if (pick < 80) return upload(r);
    if (pick < 88) return pathsAndMethods(r);
    if (pick < 94) return storedIds(r);
    return rawHttp(r);
  }

  // POST /prompt

  private HostileRequest prompt(Random r) {
    String path = r.nextBoolean() ? "/prompt" : "/api/prompt";
    int pick = r.nextInt(100);
    if (pick < 8) return post("prompt/bad-json", path, mutatedText(r, body(r, base(r))));
    if (pick < 14) return post("prompt/truncated-json", path, truncated(r, body(r, base(r))));
    if (pick < 26) return post("prompt/wrong-type", path, json(wrongType(r, envelope(base(r)))));
    if (pick < 30) return post("prompt/deep", path, deepIn(r, envelope(base(r))));
    if (pick < 34) return post("prompt/long-string", path, json(longString(r, envelope(base(r)))));
    if (pick < 37) return post("prompt/many-nodes", path, json(envelope(manyNodes(r))));
    if (pick < 40) return post("prompt/many-inputs", path, json(envelope(manyInputs(r, base(r)))));
    if (pick < 43) return post("prompt/big-stored", path, json(bigStored(r)));
    if (pick < 44) return post("prompt/huge-body", path, hugeBody(r, 4 * 1024 * 1024));
    if (pick < 50) return post("prompt/cycle", path, json(envelope(cycle(r))));
    if (pick < 55) return post("prompt/unknown-class", path, json(envelope(unknownClass(r, base(r)))));
    if (pick < 61) return post("prompt/bad-link", path, json(envelope(badLink(r, base(r)))));
    if (pick < 69) return post("prompt/encoding", path, badEncoding(r, body(r, base(r))));
    if (pick < 72) return post("prompt/duplicate-keys", path, duplicateKeys(r));
    if (pick < 77) return post("prompt/numbers", path, oddNumbers(r, body(r, base(r))));
    if (pick < 85) return post("prompt/envelope", path, json(oddEnvelope(r, base(r))));
    if (pick < 89) return request("prompt/content-type", "POST", path, pick(r, CONTENT_TYPES), utf8(body(r, base(r))), false);
    if (pick < 93) return post("prompt/not-an-object", path, utf8(pick(r, new String[] {"", " ", "null", "[]", "\"\"", "0",
        "true", "{}", "{\"prompt\":null}", "{\"prompt\":{}}", "{\"prompt\":[]}", "{\"prompt\":\"x\"}", "[{\"prompt\":{}}]"})));
    if (pick < 99 || r.nextBoolean()) return post("prompt/garbage", path, randomBytes(r, r.nextInt(2000)));
    // Rarely a real prompt with a changed literal, which may well be queued.
    return post("prompt/valid-mutation", path, json(envelope(literalMutation(r, workflow.deepCopy()))));
  }

  /** Mostly the poisoned workflow; one in a hundred the real one. */
  private ObjectNode base(Random r) {
    return (r.nextInt(100) == 0 ? workflow : poisoned).deepCopy();
  }

  private static ObjectNode envelope(JsonNode prompt) {
    ObjectNode body = NODES.objectNode();
    body.set("prompt", prompt);
    return body;
  }

  private static String body(Random r, ObjectNode prompt) {
    ObjectNode body = envelope(prompt);
    if (r.nextBoolean()) body.put("client_id", uuid(r).toString().replace("-", ""));
    if (r.nextInt(4) == 0) body.putObject("extra_data").putObject("extra_pnginfo").putObject("workflow").put("version", 0.4);
    return body.toString();
  }

  private static byte[] mutatedText(Random r, String text) {
    return mutated(r, utf8(text));
  }

  /** One to eight bytes dropped, doubled, or replaced by JSON's punctuation or any byte. */
  private static byte[] mutated(Random r, byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int mutations = 1 + r.nextInt(8);
    java.util.Set<Integer> at = new java.util.HashSet<>();
    for (int i = 0; i < mutations; i++) at.add(r.nextInt(bytes.length));
    String specials = "{}[]\":,\\'\u0000 \t\n-+.eE0";
    for (int i = 0; i < bytes.length; i++) {
      if (!at.contains(i)) {
        out.write(bytes[i]);
        continue;
      }
      switch (r.nextInt(4)) {
        case 0 -> { } // dropped
        case 1 -> out.write(specials.charAt(r.nextInt(specials.length())));
        case 2 -> out.write(r.nextInt(256));
        default -> {
          out.write(bytes[i]);
          out.write(bytes[i]);
        }
      }
    }
    return out.toByteArray();
  }

  private static byte[] truncated(Random r, String text) {
    byte[] bytes = utf8(text);
    return java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length));
  }

  /** One value anywhere in the body replaced by a value of another JSON type. */
  private static JsonNode wrongType(Random r, ObjectNode body) {
    if (r.nextInt(5) == 0) body.set(pick(r, new String[] {"client_id", "extra_data", "number", "front", "prompt_id",
        "partial_execution_targets"}), NODES.nullNode());
    List<JsonPointerSlot> slots = new ArrayList<>();
    collect(body, slots, 0);
    JsonPointerSlot slot = slots.get(r.nextInt(slots.size()));
    slot.replace(randomValue(r, 2));
    return body;
  }

  /** A place a value sits: a field of an object or an element of an array. */
  private record JsonPointerSlot(JsonNode parent, String field, int index) {
    void replace(JsonNode value) {
      if (parent instanceof ObjectNode o) o.set(field, value);
      else ((ArrayNode) parent).set(index, value);
    }
  }

  private static void collect(JsonNode node, List<JsonPointerSlot> slots, int depth) {
    if (depth > 8) return;
    if (node instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        slots.add(new JsonPointerSlot(o, field.getKey(), -1));
        collect(field.getValue(), slots, depth + 1);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        slots.add(new JsonPointerSlot(a, null, i));
        collect(a.get(i), slots, depth + 1);
      }
    }
  }

  private static JsonNode randomValue(Random r, int depth) {
    return switch (r.nextInt(depth > 0 ? 14 : 11)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(r.nextBoolean());
      case 2 -> NODES.numberNode(r.nextInt());
      case 3 -> NODES.numberNode(new BigInteger(80 + r.nextInt(400), r).negate());
      case 4 -> NODES.numberNode(r.nextGaussian() * 1e300);
      case 5 -> NODES.numberNode(-1);
      case 6 -> NODES.textNode(pick(r, WEIRD_STRINGS));
      case 7 -> NODES.textNode(String.valueOf(r.nextInt(20)));
      case 8 -> NODES.objectNode();
      case 9 -> NODES.arrayNode();
      case 10 -> NODES.textNode(uuid(r).toString());
      case 11 -> NODES.arrayNode().add(randomValue(r, depth - 1)).add(randomValue(r, depth - 1));
      case 12 -> NODES.objectNode().set(pick(r, WEIRD_STRINGS), randomValue(r, depth - 1));
      default -> NODES.arrayNode().add(String.valueOf(r.nextInt(12))).add(r.nextInt(5) - 2);
    };
  }

  /** 10,000 (or more) levels of arrays or objects somewhere in the body. */
  private static byte[] deepIn(Random r, ObjectNode body) {
    int levels = r.nextBoolean() ? 10_000 : 65 + r.nextInt(50_000);
    String open = r.nextBoolean() ? "[" : "{\"a\":";
    String close = open.equals("[") ? "]" : "}";
    String deep = open.repeat(levels) + (r.nextBoolean() ? "1" : "") + close.repeat(r.nextInt(4) == 0 ? levels / 2 : levels);
    String marker = "\"__deep__\"";
    List<JsonPointerSlot> slots = new ArrayList<>();
    collect(body, slots, 0);
    if (r.nextInt(4) == 0) body.put("extra_data", "__deep__");
    else slots.get(r.nextInt(slots.size())).replace(NODES.textNode("__deep__"));
    return utf8(body.toString().replaceFirst(java.util.regex.Pattern.quote(marker), java.util.regex.Matcher.quoteReplacement(deep)));
  }

  private static JsonNode longString(Random r, ObjectNode body) {
    int length = pick(r, new Integer[] {100_001, 100_000, 262_144, 1_000_000});
    String s = (r.nextBoolean() ? "x" : "é").repeat(length);
    switch (r.nextInt(7)) {
      case 0 -> body.withObject("/prompt/6/inputs").put("text", s);
      case 1 -> body.withObject("/prompt").set(s.substring(0, Math.min(s.length(), 257 + r.nextInt(100_000))), body.get("prompt").get("9"));
      case 2 -> body.withObject("/prompt/9").put("class_type", s);
      case 3 -> body.put("client_id", s);
      case 4 -> body.put("prompt_id", s);
      case 5 -> body.putObject("extra_data").put("note", s);
      default -> body.withObject("/prompt/9/inputs").put("filename_prefix", s);
    }
    return body;
  }

  private ObjectNode manyNodes(Random r) {
    ObjectNode prompt = poisoned.deepCopy();
    int count = 1_990 + r.nextInt(3_000);
    for (int i = 0; i < count; i++) {
      prompt.set("n" + i, poisoned.get("9").deepCopy());
    }
    return prompt;
  }

  private static ObjectNode manyInputs(Random r, ObjectNode prompt) {
    ObjectNode inputs = prompt.withObject("/" + pick(r, new String[] {"3", "6", "9"}) + "/inputs");
    int count = 250 + r.nextInt(5_000);
    for (int i = 0; i < count; i++) inputs.put("extra_" + i, i);
    return prompt;
  }

  /**
   * A prompt that would be stored past 512 KiB, in strings each under the string limit; on the
   * real workflow a third of the time, so that only its size stands between it and the store
   * (whose documents hold at most 1 MiB).
   */
  private ObjectNode bigStored(Random r) {
    ObjectNode body = envelope((r.nextInt(3) == 0 ? workflow : poisoned).deepCopy());
    int target = 540_000 + r.nextInt(700_000);
    ObjectNode place = r.nextBoolean() ? body.withObject("/prompt/9/inputs") : body.putObject("extra_data");
    for (int i = 0; i * 99_000 < target; i++) place.put("pad" + i, "p".repeat(99_000));
    return body;
  }

  private static byte[] hugeBody(Random r, int limit) {
    int size = limit + 1 + r.nextInt(2 * 1024 * 1024);
    byte[] body = new byte[size];
    java.util.Arrays.fill(body, (byte) ' ');
    byte[] start = utf8("{\"prompt\":{},\"pad\":\"");
    System.arraycopy(start, 0, body, 0, start.length);
    return body;
  }

  /** A link chain that comes back: A→B→A, a node linked to itself, or a long ring. */
  private ObjectNode cycle(Random r) {
    ObjectNode prompt = workflow.deepCopy();
    switch (r.nextInt(4)) {
      case 0 -> prompt.withObject("/3/inputs").set("latent_image", link("3", 0));
      case 1 -> {
        prompt.withObject("/3/inputs").set("latent_image", link("10", 0));
        prompt.putObject("10").put("class_type", "VAEEncode").putObject("inputs")
            .<ObjectNode>set("pixels", link("8", 0)).set("vae", link("4", 2));
      }
      case 2 -> {
        int length = 2 + r.nextInt(1_500);
        for (int i = 0; i < length; i++) {
          prompt.putObject("r" + i).put("class_type", "ImageScale").putObject("inputs")
              .<ObjectNode>set("image", link("r" + ((i + 1) % length), 0)).put("upscale_method", "nearest-exact")
              .put("width", 64).put("height", 64).put("crop", "disabled");
        }
        prompt.withObject("/9/inputs").set("images", link("r0", 0));
      }
      default -> prompt.withObject("/8/inputs").set("samples", link("8", 0));
    }
    return prompt;
  }

  private static ArrayNode link(String id, int index) {
    return NODES.arrayNode().add(id).add(index);
  }

  private static ObjectNode unknownClass(Random r, ObjectNode prompt) {
    ObjectNode node = prompt.withObject("/" + pick(r, new String[] {"3", "4", "5", "6", "7", "8", "9", "new"}));
    switch (r.nextInt(5)) {
      case 0 -> node.put("class_type", pick(r, WEIRD_STRINGS));
      case 1 -> node.put("class_type", "FuzzNode" + r.nextInt(1000));
      case 2 -> node.set("class_type", randomValue(r, 1));
      case 3 -> node.remove("class_type");
      default -> node.remove("inputs");
    }
    return prompt;
  }

  private static ObjectNode badLink(Random r, ObjectNode prompt) {
    String[] linked = {"/3/inputs/model", "/3/inputs/positive", "/3/inputs/latent_image", "/8/inputs/samples",
        "/9/inputs/images", "/6/inputs/clip"};
    String at = pick(r, linked);
    String field = at.substring(at.lastIndexOf('/') + 1);
    ObjectNode inputs = prompt.withObject(at.substring(0, at.lastIndexOf('/')));
    ArrayNode link = NODES.arrayNode();
    switch (r.nextInt(8)) {
      case 0 -> link.add("missing-" + r.nextInt(100)).add(0);
      case 1 -> link.add("4").add(pick(r, new Integer[] {-1, -4, -999_999, Integer.MAX_VALUE, 3, 99}));
      case 2 -> link.add("4").add(new BigInteger("9223372036854775808").shiftLeft(r.nextInt(200)));
      case 3 -> link.add("4").add(pick(r, new String[] {"0", "x", ""}));
      case 4 -> link.add(r.nextInt(10)).add(0);
      case 5 -> link.add(NODES.arrayNode().add("4")).add(0);
      case 6 -> link.add("4").add(0).add(0);
      default -> link.add("4").add(1.5);
    }
    inputs.set(field, r.nextInt(8) == 0 ? NODES.arrayNode() : link);
    return prompt;
  }

  /** Bytes no UTF-8 decoder should take, BOMs, other encodings, NULs. */
  private static byte[] badEncoding(Random r, String text) {
    byte[][] invalid = {{(byte) 0xff}, {(byte) 0xfe}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xe0, (byte) 0x80, (byte) 0xaf},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80},
        {(byte) 0xc3}, {0}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
    switch (r.nextInt(7)) {
      case 0 -> {
        int at = text.indexOf("beautiful");
        at = at < 0 ? text.length() / 2 : at;
        return concat(utf8(text.substring(0, at)), invalid[r.nextInt(invalid.length)], utf8(text.substring(at)));
      }
      case 1 -> {
        return concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, utf8(text));
      }
      case 2 -> {
        Charset charset = pick(r, new Charset[] {StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16,
            Charset.forName("UTF-32"), Charset.forName("UTF-32LE")});
        byte[] bom = charset == StandardCharsets.UTF_16LE ? new byte[] {(byte) 0xff, (byte) 0xfe} : new byte[0];
        return concat(bom, text.getBytes(charset));
      }
      case 3 -> {
        return utf8(text.replace("beautiful", pick(r, new String[] {"\\u0000", "\\ud800", "\\udfff\\ud800", "\\uD83D",
            "\\u0000\\u0000", "\\uFFFE", "\\uFEFF", "\\x41", "\\u12", "\\U0001F4F7"})));
      }
      case 4 -> {
        return text.replace("beautiful", "beautiful \u00e9t\u00e9 \u00ff").getBytes(StandardCharsets.ISO_8859_1);
      }
      case 5 -> {
        byte[] bytes = utf8(text);
        bytes[r.nextInt(bytes.length)] = 0;
        return bytes;
      }
      default -> {
        return utf8(text.replace("\"text\"", "\"te\u0000xt\"").replace("beautiful", "b\u0000\u0001\u001f\u007f\u0085eautiful"));
      }
    }
  }

  private static byte[] duplicateKeys(Random r) {
    String[] bodies = {
      "{\"prompt\":{},\"prompt\":{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{}}}}",
      "{\"prompt\":{\"9\":{\"class_type\":\"SaveImage\",\"class_type\":\"Nope\",\"inputs\":{}}}}",
      "{\"prompt\":{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{}},\"9\":{\"class_type\":\"KSampler\",\"inputs\":{}}}}",
      "{\"prompt\":{\"9\":{\"class_type\":\"PreviewImage\",\"inputs\":{\"images\":[\"8\",0],\"images\":[\"9\",0]}}}}",
      "{\"prompt_id\":\"" + uuid(r) + "\",\"prompt_id\":\"x\",\"prompt\":{}}",
    };
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i < 5_000; i++) many.append("\"prompt\":{},");
    many.append("\"prompt\":{}}");
    return utf8(r.nextInt(6) == 0 ? many.toString() : pick(r, bodies));
  }

  private static byte[] oddNumbers(Random r, String text) {
    String[] numbers = {"1e400", "-1e400", "1e-400", "-0", "0.1e1", "1E+2", "9".repeat(400), "-" + "9".repeat(999),
        "9".repeat(1500), "NaN", "Infinity", "-Infinity", "0x10", "01", "1.", ".5", "+1", "1e", "18446744073709551616",
        "-9223372036854775809", "1" + "0".repeat(310) + ".5"};
    String number = pick(r, numbers);
    return switch (r.nextInt(5)) {
      case 0 -> utf8(text.replace("712610403220747", number));
      case 1 -> utf8(text.replace("\"steps\":20", "\"steps\":" + number));
      case 2 -> utf8(text.replaceFirst("\\[\"4\",0\\]", "[\"4\"," + number + "]"));
      case 3 -> utf8(text.replaceFirst("^\\{", "{\"number\":" + number + ","));
      default -> utf8(text.replace("\"batch_size\":1", "\"batch_size\":" + number));
    };
  }

  private static JsonNode oddEnvelope(Random r, ObjectNode prompt) {
    ObjectNode body = envelope(prompt);
    switch (r.nextInt(9)) {
      case 0 -> body.set("prompt_id", pick(r, new JsonNode[] {NODES.textNode(uuid(r).toString().toUpperCase()),
          NODES.textNode(uuid(r).toString().replace("-", "")), NODES.numberNode(12),
          NODES.objectNode().put("id", 1), NODES.textNode("../../x"), NODES.textNode("{" + uuid(r) + "}")}));
      case 1 -> body.set("client_id", randomValue(r, 2));
      case 2 -> body.set("number", randomValue(r, 1));
      case 3 -> body.set("front", randomValue(r, 1));
      case 4 -> {
        ArrayNode targets = body.putArray("partial_execution_targets");
        int count = r.nextBoolean() ? r.nextInt(5) : 2_001 + r.nextInt(3_000);
        for (int i = 0; i < count; i++) targets.add(randomValue(r, 1));
      }
      case 5 -> body.set("partial_execution_targets", randomValue(r, 2));
      case 6 -> body.set("extra_data", randomValue(r, 2));
      case 7 -> {
        ObjectNode extra = body.putObject("extra_data");
        int count = 1 + r.nextInt(8);
        for (int i = 0; i < count; i++) extra.put("k" + i, "e".repeat(60_000));
      }
      default -> body.put("client_id", "c" + "\u0000\u0001\r\n".substring(r.nextInt(4)));
    }
    return body;
  }

  /** A literal of the real workflow changed: some stay valid and are queued. */
  private static ObjectNode literalMutation(Random r, ObjectNode prompt) {
    String[] literals = {"/3/inputs/seed", "/3/inputs/steps", "/3/inputs/cfg", "/3/inputs/denoise", "/5/inputs/width",
        "/5/inputs/batch_size", "/6/inputs/text", "/9/inputs/filename_prefix", "/3/inputs/sampler_name"};
    String at = pick(r, literals);
    ObjectNode inputs = prompt.withObject(at.substring(0, at.lastIndexOf('/')));
    inputs.set(at.substring(at.lastIndexOf('/') + 1), randomValue(r, 1));
    inputs.put("steps", 1);
    return prompt;
  }

  // POST /queue, /history, /interrupt

  private HostileRequest control(Random r) {
    String path = (r.nextBoolean() ? "" : "/api") + pick(r, new String[] {"/queue", "/history", "/interrupt"});
    String kind = "control" + path.replace("/api", "");
    return switch (r.nextInt(12)) {
      case 0 -> post(kind + "/garbage", path, randomBytes(r, r.nextInt(500)));
      case 1 -> post(kind + "/deep", path, utf8("{\"delete\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"));
      case 2 -> post(kind + "/huge", path, hugeBody(r, 1024 * 1024));
      case 3 -> post(kind + "/delete-weird", path, json(NODES.objectNode().set("delete", randomValue(r, 2))));
      case 4 -> {
        // Around the bound; few real ids, as each one costs the store a transaction.
        ArrayNode ids = NODES.arrayNode();
        int count = 95 + r.nextInt(10);
        for (int i = 0; i < count; i++) ids.add(r.nextInt(20) == 0 ? uuid(r).toString() : pick(r, WEIRD_STRINGS));
        yield post(kind + "/delete-many", path, json(NODES.objectNode().set("delete", ids)));
      }
      case 5 -> post(kind + "/clear-weird", path, json(NODES.objectNode().set("clear", randomValue(r, 1))));
      case 6 -> post(kind + "/prompt-id", path, json(NODES.objectNode().set("prompt_id", randomValue(r, 2))));
      case 7 -> post(kind + "/truncated", path, truncated(r, "{\"delete\":[\"" + uuid(r) + "\"],\"clear\":false}"));
      case 8 -> post(kind + "/encoding", path, badEncoding(r, "{\"delete\":[\"beautiful\"],\"clear\":false}"));
      case 9 -> request(kind + "/content-type", "POST", path, pick(r, CONTENT_TYPES), utf8("{\"clear\":false}"), false);
      case 10 -> post(kind + "/not-an-object", path, utf8(pick(r, new String[] {"", "null", "[]", "1", "\"x\"", "{", "}"})));
      default -> post(kind + "/long-string", path, json(NODES.objectNode().put("delete", "x".repeat(100_001 + r.nextInt(500_000)))));
    };
  }

  // GET with hostile paths and query strings

  private HostileRequest query(Random r) {
    String prefix = r.nextBoolean() ? "" : "/api";
    return switch (r.nextInt(8)) {
      case 0, 1 -> get("query/history", prefix + "/history?" + param(r, "max_items") + "&" + param(r, "offset"));
      case 2 -> get("query/history-id", prefix + "/history/" + segment(r));
      case 3, 4 -> get("query/view", prefix + "/view?" + String.join("&", viewParams(r)));
      case 5 -> get("query/object-info", prefix + pick(r, new String[] {"/object_info/", "/models/"}) + segment(r));
      case 6 -> get("query/long", prefix + pick(r, ROUTES) + "?" + "a=" + "x".repeat(1_000 + r.nextInt(200_000)));
      default -> get("query/junk", prefix + pick(r, ROUTES) + "?" + junkQuery(r));
    };
  }

  private static String param(Random r, String name) {
    String[] values = {"", "abc", "-1", "0", "5", "99999999999999999999", "1e3", "%zz", "%", "0x10", "%205%20", "+5",
        "%EF%BC%95", "%00", "1.5", "-2147483648", "2147483647", "%ff", "5&" + name + "=6", "9".repeat(5_000)};
    return r.nextInt(5) == 0 ? name : name + "=" + pick(r, values);
  }

  private static String segment(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> pick(r, TRAVERSALS);
      case 1 -> uuid(r).toString().toUpperCase();
      case 2 -> percentEncoded(pick(r, WEIRD_STRINGS));
      case 3 -> "x".repeat(1 + r.nextInt(20_000));
      case 4 -> pick(r, new String[] {"%zz", "%", "%ff", "%c0%ae", "%ed%a0%80", "KSampler%00", "%2F", ";x", "a?b", "#"});
      default -> uuid(r) + pick(r, new String[] {"", "/", "/..", "%00", ".json"});
    };
  }

  private static List<String> viewParams(Random r) {
    List<String> params = new ArrayList<>();
    if (r.nextInt(6) != 0) params.add("filename=" + viewValue(r) + pick(r, new String[] {"", ".png", "%20[output]", "%20[input]", "%20[temp]"}));
    if (r.nextBoolean()) params.add("subfolder=" + viewValue(r));
    if (r.nextBoolean()) params.add("type=" + pick(r, new String[] {"output", "input", "temp", "", "bogus", "%00", "OUTPUT", "../output"}));
    if (r.nextInt(4) == 0) params.add("preview=" + pick(r, new String[] {"webp", "jpeg;90", "jpeg;-1", "webp;9999999999", "bmp", ";"}));
    if (r.nextInt(4) == 0) params.add("channel=" + pick(r, new String[] {"rgba", "rgb", "a", "x", ""}));
    if (r.nextInt(5) == 0) params.add(params.isEmpty() ? "filename=a.png" : params.get(0));
    java.util.Collections.shuffle(params, r);
    return params;
  }

  private static String viewValue(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> pick(r, TRAVERSALS) + pick(r, TRAVERSALS) + "etc/passwd";
      case 1 -> percentEncoded(pick(r, WEIRD_STRINGS));
      case 2 -> uuid(r).toString();
      case 3 -> pick(r, new String[] {"%zz", "%", "%ff", "%c0%ae%c0%ae", "%ed%a0%80", "a%00b", "%u002e%u002e"});
      default -> "ComfyUI_00001_";
    };
  }

  private static String junkQuery(Random r) {
    String[] junk = {"&&&", "=", "==", "a", "a=1&a=2&a=3", "%zz=1", "a=%", "a[]=1&a[x]=2", "__proto__=1", "a=" + "%41".repeat(3000),
        ";;;", "a=b=c", "%00=%00", "a=%ed%a0%80", "?", "#frag"};
    return pick(r, junk);
  }

  private static String percentEncoded(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // POST /upload/image, /upload/mask

  private HostileRequest upload(Random r) {
    String path = (r.nextBoolean() ? "" : "/api") + (r.nextInt(3) == 0 ? "/upload/mask" : "/upload/image");
    String kind = "upload" + path.replace("/api", "").replace("/upload", "");
    String boundary = "fuzz" + Long.toHexString(r.nextLong());
    List<Part> parts = new ArrayList<>();
    byte[] image = png(1 + r.nextInt(4), 1 + r.nextInt(4));
    String filename = "fuzz-" + r.nextInt(50) + ".png";
    int pick = r.nextInt(14);
    switch (pick) {
      case 0 -> image = randomBytes(r, r.nextInt(3000));
      case 1 -> image = utf8(pick(r, new String[] {"<svg/>", "GIF89a", "BM", "%PDF-1.4", "#!/bin/sh\nrm -rf /", ""}));
      case 2 -> image = pngHeader(pick(r, new Long[] {100_000L, 65_535L, 0xffffffffL, 0L, 9_460L}), pick(r, new Long[] {100_000L, 9_460L, 1L, 0xffffffffL}));
      case 3 -> image = java.util.Arrays.copyOf(image, r.nextInt(24));
      case 4 -> filename = pick(r, TRAVERSALS) + pick(r, new String[] {"x.png", "", "etc/passwd"});
      case 5 -> filename = pick(r, WEIRD_STRINGS) + ".png";
      case 6 -> filename = (r.nextBoolean() ? "a" : "é").repeat(200 + r.nextInt(200)) + ".png";
      default -> { }
    }
    parts.add(new Part("image", filename, image));
    if (r.nextInt(3) == 0) parts.add(new Part("subfolder", null, utf8(r.nextBoolean() ? pick(r, TRAVERSALS) : pick(r, WEIRD_STRINGS))));
    if (r.nextInt(4) == 0) parts.add(new Part("type", null, utf8(pick(r, new String[] {"input", "output", "temp", "bogus", ""}))));
    if (r.nextInt(4) == 0) parts.add(new Part("overwrite", null, utf8(pick(r, new String[] {"true", "1", "yes", "", "\u0000"}))));
    if (path.endsWith("mask")) {
      String ref = switch (r.nextInt(6)) {
        case 0 -> "{\"filename\":\"fuzz-" + r.nextInt(50) + ".png\",\"subfolder\":\"\",\"type\":\"input\"}";
        case 1 -> "[".repeat(10_000);
        case 2 -> "{\"filename\":\"" + pick(r, TRAVERSALS) + "\",\"type\":\"" + pick(r, new String[] {"input", "output", "x"}) + "\"}";
        case 3 -> new String(json(randomValue(r, 2)), StandardCharsets.UTF_8);
        case 4 -> "not json";
        default -> "{\"filename\":\"ComfyUI_00001_.png [output]\",\"subfolder\":\"" + uuid(r) + "\"}";
      };
      if (r.nextInt(8) != 0) parts.add(new Part("original_ref", null, utf8(ref)));
    }
    String contentType = "multipart/form-data; boundary=" + boundary;
    byte[] body = multipart(boundary, parts);
    switch (pick) {
      case 7 -> contentType = pick(r, CONTENT_TYPES);
      case 8 -> body = java.util.Arrays.copyOf(body, r.nextInt(body.length));
      case 9 -> contentType = "multipart/form-data; boundary=" + "b".repeat(71 + r.nextInt(5_000));
      case 10 -> {
        for (int i = 0; i < 17 + r.nextInt(100); i++) parts.add(new Part("f" + i, null, utf8("v")));
        body = multipart(boundary, parts);
      }
      case 11 -> body = latin1Replace(body, "\r\n", "\n");
      case 12 -> body = r.nextInt(20) == 0 ? hugeBody(r, 20 * 1024 * 1024) : mutated(r, body);
      case 13 -> body = latin1Replace(body, "name=\"image\"", pick(r, new String[] {
          "name=image", "name=\"image\"; filename=\"a.png\"; filename=\"../b.png\"", "filename=\"a.png\"", "name=\"\"",
          "name=\"image\"; filename=\"a\r\nX-Injected: 1\""}));
      default -> { }
    }
    return request(kind + "/" + UPLOAD_CASES[pick], "POST", path, contentType, body, false);
  }

  /** What each of {@link #upload}'s cases breaks, by its number. */
  private static final String[] UPLOAD_CASES = {"random-bytes", "not-an-image", "huge-dimensions", "truncated-image",
      "traversal-name", "odd-name", "long-name", "odd-content-type", "truncated-form", "long-boundary", "many-parts",
      "lf-line-ends", "mutated-or-huge", "odd-disposition"};

  private record Part(String name, String filename, byte[] content) {}

  private static byte[] multipart(String boundary, List<Part> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Part part : parts) {
      StringBuilder head = new StringBuilder("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"")
          .append(part.name()).append('"');
      if (part.filename() != null) head.append("; filename=\"").append(part.filename()).append("\"\r\nContent-Type: image/png");
      out.writeBytes(utf8(head.append("\r\n\r\n").toString()));
      out.writeBytes(part.content());
      out.writeBytes(utf8("\r\n"));
    }
    out.writeBytes(utf8("--" + boundary + "--\r\n"));
    return out.toByteArray();
  }

  /** A textual replacement that leaves every other byte (an image's too) as it was. */
  private static byte[] latin1Replace(byte[] bytes, String from, String to) {
    return new String(bytes, StandardCharsets.ISO_8859_1).replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A real PNG of {@code width x height} pixels. */
  static byte[] png(int width, int height) {
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_ARGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(image, "png", out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A PNG signature and IHDR stating any size, and nothing else. */
  private static byte[] pngHeader(long width, long height) {
    ByteBuffer ihdr = ByteBuffer.allocate(17).put(new byte[] {'I', 'H', 'D', 'R'})
        .putInt((int) width).putInt((int) height).put(new byte[] {8, 6, 0, 0, 0});
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    return ByteBuffer.allocate(33).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
        .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
  }

  // Methods and paths

  private HostileRequest pathsAndMethods(Random r) {
    String prefix = r.nextBoolean() ? "" : "/api";
    return switch (r.nextInt(6)) {
      case 0, 1 -> request("method/odd", pick(r, ODD_METHODS), prefix + pick(r, ROUTES), null,
          r.nextBoolean() ? new byte[0] : utf8("{\"prompt\":{}}"), false);
      case 2 -> get("path/unknown", pick(r, new String[] {"/", "/api", "/api/", "//prompt", "/prompt/", "/PROMPT",
          "/api/api/prompt", "/prompt;x=1", "/prompt%00", "/prompt%20", "/%2e%2e/%2e%2e/etc/passwd", "/..%2fprompt",
          "/ws", "/api/ws", "/admin", "/.env", "/.git/config", "/favicon.ico", "/prompt/../queue", "/upload",
          "/upload/", "/upload/video", "/history/", "/object_info/", "/models/", "/%ff", "/%c0%ae%c0%ae/", "/\u00e9",
          "/api/%zz", "/extensions", "/internal/logs", "/userdata", "/settings"}));
      case 3 -> get("path/random", "/" + (r.nextBoolean() ? percentEncoded(pick(r, WEIRD_STRINGS)) : randomPath(r)));
      case 4 -> get("path/long", prefix + "/history/" + "a".repeat(1_000 + r.nextInt(100_000)));
      default -> request("method/known-path-wrong-method", pick(r, new String[] {"GET", "POST", "PUT", "DELETE", "PATCH"}),
          prefix + pick(r, ROUTES), "application/json", utf8("{}"), false);
    };
  }

  private static String randomPath(Random r) {
    StringBuilder path = new StringBuilder();
    String alphabet = "abcxyz/._-~%!$&'()*+,;=:@0123456789";
    int length = 1 + r.nextInt(60);
    for (int i = 0; i < length; i++) path.append(alphabet.charAt(r.nextInt(alphabet.length())));
    return path.toString();
  }

  // Ids that become Firestore document ids: over 1,500 bytes, '.', '..', '__x__', a '/' (issue 19: a 400, never a 500)

  private HostileRequest storedIds(Random r) {
    String id = unstorableSegment(r);
    return switch (r.nextInt(6)) {
      case 0, 1 -> request("ids/device-put", "PUT", "/api/v2/devices/" + id, r.nextBoolean() ? "application/json" : null,
          r.nextBoolean() ? utf8("{\"platform\":\"web\"}") : new byte[0], false);
      case 2 -> request("ids/device-delete", "DELETE", "/api/v2/devices/" + id, null, new byte[0], false);
      // A loopback URL passes the local stack's outbound policy, so the job_id is what is judged.
      case 3 -> post("ids/webhook-job-id", (r.nextBoolean() ? "" : "/api") + "/v2/webhooks",
          json(NODES.objectNode().put("url", "http://127.0.0.1:9/hook").put("job_id", unstorableId(r))));
      case 4 -> get("ids/job", "/api/v2/jobs/" + id + pick(r, new String[] {"", "/events"}));
      default -> request("ids/webhook", "POST", "/api/v2/webhooks/" + id + "/rotate", null, new byte[0], false);
    };
  }

  /** An id Firestore cannot store, as a JSON string. */
  private static String unstorableId(Random r) {
    return switch (r.nextInt(7)) {
      case 0 -> "x".repeat(1_501 + r.nextInt(2_000));
      case 1 -> "\u00e9".repeat(751 + r.nextInt(100));
      case 2 -> pick(r, new String[] {".", "..", "a/b", "/", "a/b/c", "../x", "jobs/x"});
      case 3 -> "__" + pick(r, new String[] {"", "x", ".*", "name", "__"}) + "__";
      case 4 -> "";
      case 5 -> uuid(r) + "/" + uuid(r);
      default -> "\uD83D\uDCF7".repeat(376);
    };
  }

  /** An id Firestore cannot store, as a path segment (percent-encoded where it must be). */
  private static String unstorableSegment(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> "x".repeat(1_501 + r.nextInt(2_000));
      case 1 -> "%C3%A9".repeat(751 + r.nextInt(100));
      case 2 -> pick(r, new String[] {".", "..", "%2e", "%2E%2E", "a%2Fb", "%2F", "..%2F..", "a/b"});
      case 3 -> "__" + pick(r, new String[] {"", "x", ".*", "name", "__"}) + "__";
      case 4 -> "%5F%5Fx%5F%5F";
      default -> "%F0%9F%93%B7".repeat(376);
    };
  }

  // Requests no HTTP client library would send

  private HostileRequest rawHttp(Random r) {
    String path = pick(r, ROUTES);
    String body = "{\"prompt\":{}}";
    return switch (r.nextInt(16)) {
      case 0 -> raw("raw/no-host", "GET " + path + " HTTP/1.1\r\nConnection: close\r\n\r\n");
      case 1 -> raw("raw/http-1.0", "GET " + path + " HTTP/1.0\r\n\r\n");
      case 2 -> raw("raw/cl-and-te", "POST /prompt HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nContent-Length: 4\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
      case 3 -> raw("raw/bad-chunk", "POST /prompt HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n" + pick(r, new String[] {"zz", "-1", "ffffffffffffffffff", "1;" + "x".repeat(9000), ""})
          + "\r\n" + body + "\r\n0\r\n\r\n");
      case 4 -> raw("raw/chunked", "POST " + pick(r, new String[] {"/prompt", "/queue", "/upload/image"}) + " HTTP/1.1\r\nHost: "
          + host + "\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n");
      case 5 -> raw("raw/bad-length", "POST /prompt HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nContent-Length: "
          + pick(r, new String[] {"-1", "abc", "1, 2", "99999999999999999999", "1\r\nContent-Length: 2", " 4", "0x10"})
          + "\r\n\r\n" + body);
      case 6 -> new HostileRequest("raw/ends-early", utf8("POST " + pick(r, new String[] {"/prompt", "/queue", "/upload/image",
          "/interrupt"}) + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + (body.length() + 1 + r.nextInt(100_000)) + "\r\n\r\n" + body), true);
      case 7 -> raw("raw/header-junk", "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
          + pick(r, new String[] {"X-A: a\u0000b", "X-B:\r\n continued", "Bad Header: 1", ": empty", "X-C: " + "c".repeat(20_000),
              "Content-Type: \u00ff\u00fe", "Expect: 100-continue", "Expect: fuzz", "Transfer-Encoding: gzip",
              "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__",
              "Origin: http://evil.example", "Host: second.example"}) + "\r\n\r\n");
      case 8 -> raw("raw/many-headers", "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
          + "X-Fuzz: 1\r\n".repeat(100 + r.nextInt(2_000)) + "\r\n");
      case 9 -> raw("raw/request-line", pick(r, new String[] {"\u0000\u0001\u0002\r\n\r\n",
          "GET /prompt HTTP/1.1 extra\r\nHost: x\r\n\r\n",
          "GET /prompt?a=\u00e9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "GET /\u00ff HTTP/1.1\r\nHost: x\r\n\r\n",
          "GET /prompt\u0000 HTTP/1.1\r\nHost: x\r\n\r\n", "GET /history/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          "GET /view?filename=\u0000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}));
      case 10 -> raw("raw/absolute-form", "GET http://evil.example" + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
      case 11 -> raw("raw/connect", "CONNECT " + pick(r, new String[] {"127.0.0.1:22", "evil.example:443", "/prompt"})
          + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
      case 12 -> raw("raw/asterisk", "OPTIONS * HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
      case 13 -> raw("raw/lf-only", "GET " + path + " HTTP/1.1\nHost: " + host + "\nConnection: close\n\n");
      case 14 -> new HostileRequest("raw/expect-continue", utf8("POST /prompt HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n"
          + "Expect: 100-continue\r\nContent-Length: " + body.length() + "\r\n\r\n" + body), false);
      default -> raw("raw/pipelined", "GET /system_stats HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
          + "POST /prompt HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    };
  }

  private HostileRequest raw(String kind, String request) {
    return new HostileRequest(kind, request.getBytes(StandardCharsets.ISO_8859_1), false);
  }

  // Building requests

  private HostileRequest post(String kind, String path, byte[] body) {
    return request(kind, "POST", path, "application/json", body, false);
  }

  private HostileRequest get(String kind, String target) {
    return request(kind, "GET", target, null, new byte[0], false);
  }

  /** Request line, Host, the given Content-Type (none if null), a true Content-Length, and the body. */
  private HostileRequest request(String kind, String method, String target, String contentType, byte[] body, boolean halfClose) {
    StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append("\r\nConnection: close\r\n");
    if (contentType != null) head.append("Content-Type: ").append(contentType).append("\r\n");
    if (body.length > 0 || method.equals("POST")) head.append("Content-Length: ").append(body.length).append("\r\n");
    byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    return new HostileRequest(kind, concat(headBytes, body), halfClose);
  }

  private static byte[] json(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(Random r, int length) {
    byte[] bytes = new byte[length];
    r.nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) out.writeBytes(part);
    return out.toByteArray();
  }

  /** A UUID from the request's own {@link Random}, so that the bytes replay exactly. */
  private static UUID uuid(Random r) {
    return new UUID(r.nextLong(), r.nextLong());
  }

  private static <T> T pick(Random r, T[] choices) {
    return choices[r.nextInt(choices.length)];
  }

  static ObjectNode readWorkflow(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
