package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.limits.InputLimits;
import org.junit.jupiter.api.Test;

/** The {@code POST /prompt} body rules where they now live; the api's InputLimitsTest checks the HTTP answers. */
class PromptRequestsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static PromptRequests.Parsed parse(String json) throws Exception {
    return PromptRequests.parse(JSON.readTree(json), "alice");
  }

  private static JsonNode nodes(int count) {
    ObjectNode prompt = JSON.createObjectNode();
    for (int i = 0; i < count; i++) {
      prompt.putObject(Integer.toString(i)).put("class_type", "SaveImage").putObject("inputs");
    }
    return prompt;
  }

  @Test
  void aWellFormedBodyBecomesARequestWithItsClientIdInExtraData() throws Exception {
    PromptRequests.Parsed parsed = parse("""
        {"prompt": {"9": {"class_type": "SaveImage", "inputs": {}}}, "client_id": "c1",
         "partial_execution_targets": ["9"], "number": 3}""");
    assertThat(parsed.error()).isNull();
    assertThat(parsed.request().userId()).isEqualTo("alice");
    assertThat(parsed.request().extraData().path("client_id").asText()).isEqualTo("c1");
    assertThat(parsed.request().partialExecutionTargets()).containsExactly("9");
    assertThat(parsed.request().number()).isEqualTo(3.0);
  }

  @Test
  void aBodyWithoutAPromptOrWithABadPromptIdIsRefusedInComfyUIsTerms() throws Exception {
    assertThat(parse("{}").error().type()).isEqualTo("no_prompt");
    assertThat(parse("{\"prompt\": []}").error().type()).isEqualTo("invalid_prompt");
    assertThat(parse("{\"prompt\": {}, \"prompt_id\": \"../x\"}").error().type()).isEqualTo("invalid_prompt_id");
    assertThat(parse("{\"prompt\": {}, \"number\": \"1\"}").error().type()).isEqualTo("invalid_prompt");
  }

  @Test
  void everyBoundOnThePromptIsA413ShapedError() throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.set("prompt", nodes(InputLimits.PROMPT_NODES + 1));
    assertThat(PromptRequests.parse(body, "alice").error().tooLarge()).isTrue();

    body.set("prompt", nodes(1));
    body.put("client_id", "c".repeat(InputLimits.CLIENT_ID_CHARS + 1));
    assertThat(PromptRequests.parse(body, "alice").error().tooLarge()).isTrue();

    body.put("client_id", "c".repeat(InputLimits.CLIENT_ID_CHARS));
    assertThat(PromptRequests.parse(body, "alice").error()).isNull();
  }
}
