package dev.darkroom.core.models;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Checks a safetensors file by its header alone, never loading the weights: the first 8 bytes are
 * the header's length (little-endian, unsigned), then that many bytes of JSON naming each tensor's
 * dtype, shape and byte range in the data that follows ({@code __metadata__} aside). A file is
 * usable only if the header is well-formed and describes exactly the bytes the file has: every
 * tensor's range the size its dtype and shape say, the ranges back to back from 0 with no gap or
 * overlap, and the last one ending where the file does. That is the format's own validation; a
 * file that passes cannot make a loader read outside it.
 */
public final class SafetensorsHeader {
  /**
   * The longest header read. The format allows 100 MB; real model headers are far smaller (an
   * SDXL checkpoint's is about 200 KB), and a hostile one must not make a function allocate much.
   */
  public static final int MAX_HEADER_BYTES = 16 * 1024 * 1024;

  /** The dtypes of the format, with their size in bits. */
  private static final Map<String, Integer> DTYPE_BITS = Map.ofEntries(
      Map.entry("BOOL", 8), Map.entry("F4", 4), Map.entry("F6_E2M3", 6), Map.entry("F6_E3M2", 6),
      Map.entry("U8", 8), Map.entry("I8", 8), Map.entry("F8_E5M2", 8), Map.entry("F8_E4M3", 8),
      Map.entry("F8_E8M0", 8), Map.entry("I16", 16), Map.entry("U16", 16), Map.entry("F16", 16),
      Map.entry("BF16", 16), Map.entry("I32", 32), Map.entry("U32", 32), Map.entry("F32", 32),
      Map.entry("F64", 64), Map.entry("I64", 64), Map.entry("U64", 64), Map.entry("C64", 64));

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build());
  }

  private SafetensorsHeader() {}

  /** Reads {@code length} bytes of the file from {@code offset} (a ranged read of a stored object). */
  @FunctionalInterface
  public interface Ranges {
    byte[] read(long offset, int length) throws IOException;
  }

  /** What the header says of a usable file. */
  public record Summary(int tensors, SortedMap<String, Integer> dtypes, long parameters, long headerBytes) {}

  /** A usable file's summary, or why it is not usable. */
  public sealed interface Verdict {
    record Usable(Summary summary) implements Verdict {}

    record Refused(String reason) implements Verdict {}
  }

  /**
   * @param fileSize the file's size in bytes
   * @param file reads the file's first bytes (the length, then the header)
   * @throws IOException if the file cannot be read (not a verdict on the file)
   */
  public static Verdict check(long fileSize, Ranges file) throws IOException {
    if (fileSize < 8) {
      return refused("it is " + fileSize + " bytes long, too short for a safetensors header");
    }
    byte[] prefix = file.read(0, 8);
    if (prefix.length != 8) {
      return refused("its first 8 bytes could not be read");
    }
    long declared = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (declared < 2 || declared > MAX_HEADER_BYTES) {
      return refused("its header declares " + Long.toUnsignedString(declared) + " bytes, not between 2 and "
          + MAX_HEADER_BYTES);
    }
    if (8 + declared > fileSize) {
      return refused("its header declares " + declared + " bytes but the file has " + (fileSize - 8) + " after the length");
    }
    byte[] header = file.read(8, (int) declared);
    if (header.length != declared) {
      return refused("its header could not be read whole");
    }
    return checkHeader(header, fileSize - 8 - declared);
  }

  /** @param dataBytes how many bytes follow the header */
  static Verdict checkHeader(byte[] header, long dataBytes) {
    if (header[0] != '{') {
      return refused("its header is not a JSON object");
    }
    JsonNode root;
    try {
      // The format allows trailing spaces after the JSON; nothing else.
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(header)).toString();
      root = JSON.readTree(text.stripTrailing());
    } catch (CharacterCodingException e) {
      return refused("its header is not UTF-8");
    } catch (JsonProcessingException e) {
      return refused("its header is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      return refused("its header is not a JSON object");
    }
    List<Range> ranges = new ArrayList<>();
    SortedMap<String, Integer> dtypes = new TreeMap<>();
    long parameters = 0;
    for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      JsonNode tensor = field.getValue();
      if (name.equals("__metadata__")) {
        if (!tensor.isObject() || !allText(tensor)) {
          return refused("its __metadata__ is not an object of strings");
        }
        continue;
      }
      String problem = tensorProblem(tensor);
      if (problem != null) {
        return refused("tensor " + shown(name) + " " + problem);
      }
      String dtype = tensor.get("dtype").asText();
      long elements = 1;
      long bits;
      try {
        for (JsonNode dimension : tensor.get("shape")) {
          elements = Math.multiplyExact(elements, dimension.asLong());
        }
        bits = Math.multiplyExact(elements, DTYPE_BITS.get(dtype));
      } catch (ArithmeticException e) {
        return refused("tensor " + shown(name) + " has a shape too large for any file");
      }
      long begin = tensor.get("data_offsets").get(0).asLong();
      long end = tensor.get("data_offsets").get(1).asLong();
      if (bits % 8 != 0 || end - begin != bits / 8) {
        return refused("tensor " + shown(name) + " takes " + (end - begin) + " bytes but its dtype and shape need "
            + (bits % 8 != 0 ? "a whole number of bytes" : bits / 8 + ""));
      }
      ranges.add(new Range(name, begin, end));
      dtypes.merge(dtype, 1, Integer::sum);
      parameters = Math.addExact(parameters, elements);
    }
    ranges.sort(Comparator.comparingLong(Range::begin).thenComparingLong(Range::end));
    long expected = 0;
    for (Range range : ranges) {
      if (range.begin() != expected) {
        return refused("tensor " + shown(range.name()) + " starts at byte " + range.begin() + " of the data, where "
            + (range.begin() < expected ? "another tensor is" : "byte " + expected + " was expected (a gap)"));
      }
      expected = range.end();
    }
    if (expected != dataBytes) {
      return refused("its tensors take " + expected + " bytes but " + dataBytes + " follow the header");
    }
    return new Verdict.Usable(new Summary(ranges.size(), dtypes, parameters, header.length));
  }

  private record Range(String name, long begin, long end) {}

  /** What is wrong with one tensor's entry, or null. */
  private static String tensorProblem(JsonNode tensor) {
    if (!tensor.isObject()) {
      return "is not an object";
    }
    JsonNode dtype = tensor.get("dtype");
    if (dtype == null || !dtype.isTextual() || !DTYPE_BITS.containsKey(dtype.asText())) {
      return "has no dtype of the format (" + (dtype == null ? "none" : shown(dtype.toString())) + ")";
    }
    JsonNode shape = tensor.get("shape");
    if (shape == null || !shape.isArray()) {
      return "has no shape";
    }
    for (JsonNode dimension : shape) {
      if (!dimension.isIntegralNumber() || !dimension.canConvertToLong() || dimension.asLong() < 0) {
        return "has a shape that is not of non-negative integers";
      }
    }
    JsonNode offsets = tensor.get("data_offsets");
    if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
      return "has no data_offsets pair";
    }
    for (JsonNode offset : offsets) {
      if (!offset.isIntegralNumber() || !offset.canConvertToLong() || offset.asLong() < 0) {
        return "has data_offsets that are not non-negative integers";
      }
    }
    if (offsets.get(1).asLong() < offsets.get(0).asLong()) {
      return "ends before it begins";
    }
    if (tensor.size() != 3) {
      return "has fields besides dtype, shape and data_offsets";
    }
    return null;
  }

  private static boolean allText(JsonNode object) {
    for (JsonNode value : object) {
      if (!value.isTextual()) {
        return false;
      }
    }
    return true;
  }

  /** A name from the file, cut short for a message. */
  private static String shown(String name) {
    return "'" + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'";
  }

  private static Verdict refused(String reason) {
    return new Verdict.Refused("not a usable safetensors file: " + reason);
  }
}
