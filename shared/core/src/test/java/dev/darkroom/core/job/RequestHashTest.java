package dev.darkroom.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RequestHashTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void keysInAnotherOrderAndOtherWhitespaceAreTheSameRequest() throws Exception {
    assertThat(RequestHash.of(json("{\"b\": {\"y\": 1, \"x\": [2, 3]}, \"a\": \"z\"}")))
        .isEqualTo(RequestHash.of(json("{\"a\":\"z\",\"b\":{\"x\":[2,3],\"y\":1}}")));
  }

  @Test
  void anyChangedValueOrArrayOrderIsAnotherRequest() throws Exception {
    String hash = RequestHash.of(json("{\"a\": [1, 2]}"));
    assertThat(RequestHash.of(json("{\"a\": [2, 1]}"))).isNotEqualTo(hash);
    assertThat(RequestHash.of(json("{\"a\": [1, 2], \"b\": null}"))).isNotEqualTo(hash);
    assertThat(hash).matches("[0-9a-f]{64}");
  }

  @Test
  void theSameRunBodyForAnotherDeploymentIsAnotherRequest() throws Exception {
    JsonNode body = json("{\"inputs\": {\"prompt\": \"a cat\"}}");
    assertThat(RequestHash.ofRun("portraits", body)).isEqualTo(RequestHash.ofRun("portraits", body.deepCopy()))
        .isNotEqualTo(RequestHash.ofRun("landscapes", body))
        .isNotEqualTo(RequestHash.of(body));
  }
}
