package dev.darkroom.core.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.models.SafetensorsHeader.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafetensorsHeaderTest {
  /** Two tensors back to back: 2x3 F16 (12 bytes), then 4 F32 (16 bytes). */
  private static final String TWO_TENSORS = """
      {"__metadata__": {"format": "pt"},
       "a.weight": {"dtype": "F16", "shape": [2, 3], "data_offsets": [0, 12]},
       "b.bias": {"dtype": "F32", "shape": [4], "data_offsets": [12, 28]}}""";

  /** A file: the header's length, the header, then {@code dataBytes} bytes of weights. */
  static byte[] file(String header, int dataBytes) {
    return file(header.getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8).length, dataBytes);
  }

  static byte[] file(byte[] header, long declaredLength, int dataBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
    out.writeBytes(header);
    out.writeBytes(new byte[dataBytes]);
    return out.toByteArray();
  }

  /** Checks {@code bytes} as a stored object, counting the bytes read. */
  private static Verdict check(byte[] bytes, AtomicLong read) throws IOException {
    return SafetensorsHeader.check(bytes.length, (offset, length) -> {
      int from = (int) Math.min(offset, bytes.length);
      int to = (int) Math.min(bytes.length, offset + length);
      read.addAndGet(to - from);
      return Arrays.copyOfRange(bytes, from, to);
    });
  }

  private static Verdict check(byte[] bytes) throws IOException {
    return check(bytes, new AtomicLong());
  }

  private static String refusal(byte[] bytes) throws IOException {
    Verdict verdict = check(bytes);
    assertThat(verdict).isInstanceOf(Verdict.Refused.class);
    return ((Verdict.Refused) verdict).reason();
  }

  @Test
  void aValidFileIsUsableAndOnlyItsHeaderIsRead() throws Exception {
    byte[] bytes = file(TWO_TENSORS, 28 + 0);
    AtomicLong read = new AtomicLong();

    Verdict verdict = check(bytes, read);

    assertThat(verdict).isInstanceOf(Verdict.Usable.class);
    SafetensorsHeader.Summary summary = ((Verdict.Usable) verdict).summary();
    assertThat(summary.tensors()).isEqualTo(2);
    assertThat(summary.dtypes()).containsExactly(java.util.Map.entry("F16", 1), java.util.Map.entry("F32", 1));
    assertThat(summary.parameters()).isEqualTo(10);
    assertThat(read.get()).isEqualTo(8 + TWO_TENSORS.length()).isLessThan(bytes.length);
  }

  @Test
  void aHeaderPaddedWithSpacesAndAnEmptyFileOfTensorsAreUsable() throws Exception {
    assertThat(check(file(TWO_TENSORS + "      ", 28))).isInstanceOf(Verdict.Usable.class);
    assertThat(check(file("{}", 0))).isInstanceOf(Verdict.Usable.class);
    assertThat(check(file("{\"s\": {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [0, 4]}}", 4)))
        .as("a scalar has one element").isInstanceOf(Verdict.Usable.class);
  }

  @Test
  void aTruncatedFileIsRefused() throws Exception {
    byte[] whole = file(TWO_TENSORS, 28);
    assertThat(refusal(Arrays.copyOf(whole, whole.length - 1))).contains("take 28 bytes but 27 follow");
    assertThat(refusal(Arrays.copyOf(whole, 20))).contains("declares " + TWO_TENSORS.length() + " bytes but the file has 12");
    assertThat(refusal(Arrays.copyOf(whole, 5))).contains("too short");
  }

  @Test
  void aHugeDeclaredHeaderIsRefusedWithoutReadingIt() throws Exception {
    byte[] bytes = file("{}".getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE, 0);
    AtomicLong read = new AtomicLong();
    Verdict verdict = check(bytes, read);
    assertThat(((Verdict.Refused) verdict).reason()).contains("not between 2 and " + SafetensorsHeader.MAX_HEADER_BYTES);
    assertThat(read.get()).isEqualTo(8);
    assertThat(refusal(file("{}".getBytes(StandardCharsets.UTF_8), -1, 0))).contains("18446744073709551615");
    assertThat(refusal(file("{}".getBytes(StandardCharsets.UTF_8), SafetensorsHeader.MAX_HEADER_BYTES + 1L, 0)))
        .contains("not between");
  }

  @Test
  void somethingElseThanSafetensorsIsRefused() throws Exception {
    // A pickled checkpoint starts with a ZIP signature: its "length" is absurd.
    byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0};
    assertThat(refusal(zip)).contains("header declares");
    assertThat(refusal(file("[1, 2, 3]", 0))).contains("not a JSON object");
    assertThat(refusal(file("{\"a\": ", 0))).contains("not valid JSON");
    assertThat(refusal(file(new byte[] {'{', (byte) 0xff, '}'}, 3, 0))).contains("not UTF-8");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4]}, \"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [4, 8]}} | 8 | not valid JSON",
      "{\"a\": {\"dtype\": \"F17\", \"shape\": [2], \"data_offsets\": [0, 4]}} | 4 | no dtype of the format",
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [-2], \"data_offsets\": [0, 4]}} | 4 | not of non-negative integers",
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [2.5], \"data_offsets\": [0, 5]}} | 5 | not of non-negative integers",
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 400]}} | 4 | takes 400 bytes but its dtype and shape need 4",
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [8, 4]}} | 4 | ends before it begins",
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [100, 104]}} | 4 | a gap",
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4]}, \"b\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [2, 6]}} | 6 | another tensor is",
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4]}} | 1000 | take 4 bytes but 1000 follow",
      "{\"a\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 4]}} | 4 | too large",
      "{\"a\": {\"dtype\": \"F4\", \"shape\": [3], \"data_offsets\": [0, 1]}} | 1 | a whole number of bytes",
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0]}} | 4 | no data_offsets pair",
      "{\"a\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4], \"extra\": 1}} | 4 | fields besides",
      "{\"a\": [1, 2]} | 0 | is not an object",
      "{\"__metadata__\": {\"n\": 5}} | 0 | __metadata__ is not an object of strings",
      "{\"a\": {\"a\": {\"a\": {\"a\": {\"a\": {\"a\": {\"a\": {\"a\": {\"a\": {}}}}}}}}}} | 0 | not valid JSON",
  })
  void hostileOrMalformedHeadersAreRefusedWithTheReason(String header, int dataBytes, String reason) throws Exception {
    assertThat(refusal(file(header, dataBytes))).contains(reason);
  }
}
