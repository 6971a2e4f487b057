package dev.darkroom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WorkflowTest {
  /** The SD 1.5 sample of the repository: two nodes share the title "CLIP Text Encode (Prompt)". */
  static String sample() throws IOException {
    try (InputStream in = WorkflowTest.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Workflow workflow() throws IOException {
    return Workflow.parse(sample(), "sd1.5-txt2img.json");
  }

  private static JsonNode input(Workflow workflow, String node, String input) {
    return workflow.prompt().get(node).get("inputs").get(input);
  }

  private static int exitCodeOf(Throwable failure) {
    return ((CliFailure) failure).exitCode();
  }

  @Test
  void theApiFormatIsSubmittedAsThePromptOfTheBody() throws IOException {
    JsonNode body = workflow().requestBody();
    assertThat(body.fieldNames()).toIterable().containsExactly("prompt");
    assertThat(body.get("prompt")).isEqualTo(Workflow.JSON.readTree(sample()));
  }

  @Test
  void thePromptWrapperIsUnwrappedKeepingExtraDataAndClientIdButNotAPromptId() throws IOException {
    String wrapped = "{\"prompt\": " + sample() + ", \"client_id\": \"me\", \"extra_data\": {\"k\": 1},"
        + " \"prompt_id\": \"mine\", \"number\": 3}";
    JsonNode body = Workflow.parse(wrapped, "w.json").requestBody();
    assertThat(body.get("prompt")).isEqualTo(Workflow.JSON.readTree(sample()));
    assertThat(body.get("client_id").asText()).isEqualTo("me");
    assertThat(body.get("extra_data").get("k").asInt()).isEqualTo(1);
    assertThat(body.has("prompt_id")).as("the server names jobs; /api/v2/jobs refuses a prompt_id").isFalse();
    assertThat(body.has("number")).isFalse();
  }

  @Test
  void aNodeWhoseIdIsPromptIsANodeNotAWrapper() {
    JsonNode body = Workflow.parse("{\"prompt\": {\"class_type\": \"X\", \"inputs\": {}}}", "w.json").requestBody();
    assertThat(body.get("prompt").get("prompt").get("class_type").asText()).isEqualTo("X");
  }

  @Test
  void theUiGraphFormatIsRefusedWithHowToExportTheApiFormat() {
    String graph = "{\"last_node_id\": 9, \"nodes\": [{\"id\": 3, \"type\": \"KSampler\"}], \"links\": [], \"version\": 0.4}";
    assertThatThrownBy(() -> Workflow.parse(graph, "ui.json"))
        .hasMessageContaining("ui.json is a workflow in ComfyUI's UI (graph) format")
        .hasMessageContaining("Export (API)")
        .satisfies(e -> assertThat(exitCodeOf(e)).isEqualTo(ExitCodes.BAD_INPUT));
  }

  @Test
  void textThatIsNotJsonIsRefusedWithWhere() {
    assertThatThrownBy(() -> Workflow.parse("{\"3\": {,}", "broken.json"))
        .hasMessageContaining("broken.json is not JSON").hasMessageContaining("line 1");
  }

  @Test
  void jsonThatIsNotAWorkflowIsRefused() {
    assertThatThrownBy(() -> Workflow.parse("[1, 2]", "a.json")).hasMessageContaining("expected a JSON object of nodes");
    assertThatThrownBy(() -> Workflow.parse("{}", "a.json")).hasMessageContaining("a.json has no nodes");
    assertThatThrownBy(() -> Workflow.parse("{\"3\": {\"inputs\": {}}}", "a.json"))
        .hasMessageContaining("node \"3\" needs a \"class_type\" and an \"inputs\" object");
  }

  @Test
  void setWritesANumberAsANumberABooleanAsABooleanAndTextAsText() throws IOException {
    Workflow workflow = Workflow.parse(sample().replace("\"denoise\": 1", "\"denoise\": 1, \"add_noise\": true"), "w");
    workflow.set(InputAssignment.parse("3.steps=30"));
    workflow.set(InputAssignment.parse("3.cfg=7.5"));
    workflow.set(InputAssignment.parse("3.denoise=0.60"));
    workflow.set(InputAssignment.parse("3.add_noise=FALSE"));
    workflow.set(InputAssignment.parse("6.text=a red fox, 35mm"));
    workflow.set(InputAssignment.parse("3.seed=18446744073709551615"));
    assertThat(input(workflow, "3", "steps").isIntegralNumber()).isTrue();
    assertThat(input(workflow, "3", "steps").asInt()).isEqualTo(30);
    assertThat(input(workflow, "3", "cfg").asDouble()).isEqualTo(7.5);
    assertThat(input(workflow, "3", "denoise").asDouble()).isEqualTo(0.6);
    assertThat(input(workflow, "3", "add_noise").isBoolean()).isTrue();
    assertThat(input(workflow, "3", "add_noise").asBoolean()).isFalse();
    assertThat(input(workflow, "6", "text").asText()).isEqualTo("a red fox, 35mm");
    assertThat(input(workflow, "3", "seed").bigIntegerValue().toString()).as("ComfyUI's largest seed, exact")
        .isEqualTo("18446744073709551615");
  }

  @Test
  void aWholeNumberWrittenWithADecimalPointStaysWhole() throws IOException {
    Workflow workflow = workflow();
    workflow.set(InputAssignment.parse("5.width=768.0"));
    assertThat(input(workflow, "5", "width").isIntegralNumber()).isTrue();
    assertThat(input(workflow, "5", "width").asInt()).isEqualTo(768);
  }

  @Test
  void aNodeIsFoundByATitleOnlyItHas() throws IOException {
    Workflow workflow = workflow();
    workflow.set(InputAssignment.parse("Empty Latent Image.batch_size=4"));
    assertThat(input(workflow, "5", "batch_size").asInt()).isEqualTo(4);
  }

  @Test
  void anIdWinsOverATitle() throws IOException {
    Workflow workflow = Workflow.parse("{\"1\": {\"class_type\": \"A\", \"inputs\": {\"v\": 1}},"
        + " \"2\": {\"class_type\": \"B\", \"inputs\": {\"v\": 2}, \"_meta\": {\"title\": \"1\"}}}", "w");
    workflow.set(InputAssignment.parse("1.v=9"));
    assertThat(input(workflow, "1", "v").asInt()).isEqualTo(9);
    assertThat(input(workflow, "2", "v").asInt()).isEqualTo(2);
  }

  @Test
  void aTitleTwoNodesShareIsRefusedNamingTheirIds() throws IOException {
    assertThatThrownBy(() -> workflow().set(InputAssignment.parse("CLIP Text Encode (Prompt).text=x")))
        .hasMessageContaining("2 nodes have the title \"CLIP Text Encode (Prompt)\" (ids 6, 7)")
        .satisfies(e -> assertThat(exitCodeOf(e)).isEqualTo(ExitCodes.BAD_INPUT));
  }

  @Test
  void anUnknownNodeIsRefusedListingTheNodes() throws IOException {
    assertThatThrownBy(() -> workflow().set(InputAssignment.parse("Sampler.steps=3")))
        .hasMessageContaining("no node has the id or title \"Sampler\"")
        .hasMessageContaining("3 KSampler, 4 CheckpointLoaderSimple (\"Load Checkpoint\")");
  }

  @Test
  void anUnknownInputIsRefusedListingTheNodesInputs() throws IOException {
    assertThatThrownBy(() -> workflow().set(InputAssignment.parse("3.step=3")))
        .hasMessageContaining("node 3 KSampler has no input \"step\"")
        .hasMessageContaining("its inputs: seed, steps, cfg, sampler_name, scheduler, denoise, model, positive");
  }

  @Test
  void aValueThatDoesNotFitTheInputsTypeIsRefused() throws IOException {
    assertThatThrownBy(() -> workflow().set(InputAssignment.parse("3.steps=many")))
        .hasMessageContaining("input \"steps\" of node 3 KSampler is a number: \"many\" is not one");
    Workflow withBoolean = Workflow.parse("{\"1\": {\"class_type\": \"A\", \"inputs\": {\"flag\": true, \"o\": {}}}}", "w");
    assertThatThrownBy(() -> withBoolean.set(InputAssignment.parse("1.flag=yes")))
        .hasMessageContaining("is a boolean: give true or false");
    assertThatThrownBy(() -> withBoolean.set(InputAssignment.parse("1.o=x")))
        .hasMessageContaining("holds object, which --set does not replace");
  }

  @Test
  void aConnectedInputIsNotAValue() throws IOException {
    assertThatThrownBy(() -> workflow().set(InputAssignment.parse("3.model=x")))
        .hasMessageContaining("input \"model\" of node 3 KSampler is connected to node 4's output");
  }

  @Test
  void randomGivesASeedAFreshValueAndIsNotANumberForOtherInputs() throws IOException {
    Workflow workflow = workflow();
    workflow.set(InputAssignment.parse("3.seed=random"));
    JsonNode first = input(workflow, "3", "seed");
    workflow.set(InputAssignment.parse("3.seed=random"));
    JsonNode second = input(workflow, "3", "seed");
    assertThat(first.isIntegralNumber()).isTrue();
    assertThat(first.asLong()).isBetween(0L, Workflow.RANDOM_SEED_BOUND - 1);
    assertThat(second.asLong()).as("two draws of 2^53").isNotEqualTo(first.asLong());
    assertThatThrownBy(() -> workflow.set(InputAssignment.parse("3.steps=random")))
        .hasMessageContaining("input \"steps\" of node 3 KSampler is a number: \"random\" is not one")
        .hasMessageNotContaining("random seed");
  }

  @Test
  void labelsNameTheNodesClassAndATitleThatSaysMore() throws IOException {
    Workflow workflow = workflow();
    assertThat(workflow.label("3")).isEqualTo("3 KSampler");
    assertThat(workflow.label("4")).isEqualTo("4 CheckpointLoaderSimple (\"Load Checkpoint\")");
    assertThat(workflow.label("99")).isEqualTo("99");
  }
}
