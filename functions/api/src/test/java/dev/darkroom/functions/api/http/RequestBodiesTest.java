package dev.darkroom.functions.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.limits.InputLimits;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Where a refused string is: its JSON pointer, written only when a string is refused. */
class RequestBodiesTest {

  private static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aLongStringIsNamedByItsPointerWithKeysEscapedAndArrayIndices() {
    String longText = "x".repeat(InputLimits.JSON_STRING_CHARS + 1);
    assertThatThrownBy(() -> RequestBodies.parse(utf8(
        "{\"ok\":[\"a\",{\"b\":1}],\"a/b\":{\"c~d\":[0,\"fine\",\"" + longText + "\"]}}")))
        .isInstanceOf(RequestBodies.Unusable.class)
        .hasMessage("the string at /a~1b/c~0d/2 has " + longText.length() + " characters; at most "
            + InputLimits.JSON_STRING_CHARS + " are accepted");
  }

  @Test
  void aLongKeyIsNamedByTheObjectItIsInAndATopLevelStringByTheTopLevel() {
    String longKey = "k".repeat(InputLimits.JSON_KEY_CHARS + 1);
    assertThatThrownBy(() -> RequestBodies.parse(utf8("{\"x\":[{\"" + longKey + "\":1}]}")))
        .hasMessage("a key in /x/0 has " + longKey.length() + " characters; at most " + InputLimits.JSON_KEY_CHARS
            + " are accepted");
    assertThatThrownBy(() -> RequestBodies.parse(utf8("\"\\ud800\"")))
        .hasMessage("the string at the top level is not well-formed Unicode (it holds a lone surrogate)");
  }

  @Test
  void aBodyWithinEveryBoundIsParsedWhole() throws Exception {
    assertThat(RequestBodies.parse(utf8("{\"a/b\":{\"c~d\":[0,\"fine\"]}}")).at("/a~1b/c~0d/1").asText())
        .isEqualTo("fine");
  }
}
