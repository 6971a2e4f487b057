package dev.darkroom.core.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InputPathsTest {

  @Test
  void aNameIsBoundedInUtf8BytesAsLinuxCountsThem() {
    assertThat(InputPaths.validName("a".repeat(InputPaths.MAX_NAME))).isTrue();
    assertThat(InputPaths.validName("a".repeat(InputPaths.MAX_NAME + 1))).isFalse();
    // 85 three-byte characters are 255 bytes; a four-byte emoji counts as four.
    assertThat(InputPaths.validName("猫".repeat(85))).isTrue();
    assertThat(InputPaths.validName("猫".repeat(85) + "a")).isFalse();
    assertThat(InputPaths.validName("📷".repeat(63) + "abc")).isTrue();
    assertThat(InputPaths.validName("📷".repeat(64))).isFalse();
  }

  @Test
  void aSubfolderIsBoundedInUtf8Bytes() {
    String segment = "é".repeat(127);
    assertThat(InputPaths.validSubfolder(segment + "/" + segment + "/" + "a".repeat(2))).isTrue();
    assertThat(InputPaths.validSubfolder(segment + "/" + segment + "/" + "a".repeat(3))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u0000b", "a\tb", "a\u007fb", "a\u0085b", "a\u2028b", "a\u2029b", "\u202Egnp.exe",
      "a\u2066b", "\uFEFFa", "a\ud800b", "a\udc00", "a\\b", "a/b", ".", "..", ""})
  void namesThatCouldMeanAnotherFileAreRefused(String name) {
    assertThat(InputPaths.validName(name)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cat.png", "a b (1).png", "猫.png", "📷.webp", "x [input]", "e\u0301.png", "👨\u200D👩\u200D👧.png", ".hidden"})
  void ordinaryNamesInAnyScriptAreAccepted(String name) {
    assertThat(InputPaths.validName(name)).isTrue();
  }
}
