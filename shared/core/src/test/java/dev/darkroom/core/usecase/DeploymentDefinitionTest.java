package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.deployment.DeploymentInput;
import dev.darkroom.core.deployment.FieldError;
import dev.darkroom.core.deployment.InputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Publishing: each input must name a node input of the workflow of a compatible type; every wrong field is named. */
class DeploymentDefinitionTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final NodeCatalog CATALOG = NodeCatalog.coreNodes(folder -> switch (folder) {
    case "checkpoints" -> List.of("dreamshaper_8.safetensors");
    case "input" -> List.of("example.png");
    default -> List.of();
  });

  static ObjectNode sd15() {
    try (InputStream in = DeploymentDefinitionTest.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode body(String inputs) {
    ObjectNode body = JSON.createObjectNode().put("name", "portrait");
    body.set("workflow", sd15());
    body.set("inputs", json(inputs));
    return body;
  }

  private static List<String> errors(String inputs) {
    var parsed = DeploymentDefinition.parse(body(inputs), Optional.of(CATALOG));
    return parsed.errors().stream().map(FieldError::toString).toList();
  }

  @Test
  void theSampleWithAPromptSeedStepsAndSamplerIsAccepted() {
    var parsed = DeploymentDefinition.parse(body("[{'name':'prompt','node':'6','input':'text','type':'string'},"
        + "{'name':'seed','node':'3','input':'seed','type':'seed'},"
        + "{'name':'steps','node':'3','input':'steps','type':'integer','minimum':1,'maximum':50,'default':20},"
        + "{'name':'cfg','node':'3','input':'cfg','type':'number'},"
        + "{'name':'sampler','node':'3','input':'sampler_name','type':'choice','choices':['euler','dpmpp_2m']},"
        + "{'name':'scheduler','node':'3','input':'scheduler','type':'choice'}]"), Optional.of(CATALOG));
    assertThat(parsed.errors()).isEmpty();
    DeploymentDefinition definition = parsed.definition();
    assertThat(definition.name()).isEqualTo("portrait");
    assertThat(definition.inputs()).extracting(DeploymentInput::type).containsExactly(InputType.STRING,
        InputType.SEED, InputType.INTEGER, InputType.NUMBER, InputType.CHOICE, InputType.CHOICE);
    assertThat(definition.inputs().get(4).choices()).containsExactly("euler", "dpmpp_2m");
    assertThat(definition.inputs().get(5).choices()).as("the node's own list").contains("normal", "karras");
  }

  @Test
  void anUnknownNodeOrInputIsNamedByItsField() {
    assertThat(errors("[{'name':'a','node':'6','input':'text','type':'string'},"
        + "{'name':'b','node':'6','input':'text2','type':'string'},"
        + "{'name':'c','node':'17','input':'text','type':'string'}]")).containsExactly(
        "inputs[1].input: node \"6\" (CLIPTextEncode) has no input \"text2\"",
        "inputs[2].node: no node \"17\" in the workflow");
  }

  @Test
  void anIncompatibleTypeIsRefused() {
    assertThat(errors("[{'name':'a','node':'6','input':'text','type':'integer'},"
        + "{'name':'b','node':'3','input':'cfg','type':'string'},"
        + "{'name':'c','node':'3','input':'steps','type':'choice'},"
        + "{'name':'d','node':'4','input':'ckpt_name','type':'image'}]")).containsExactly(
        "inputs[0].type: node \"6\" input \"text\" is STRING, which a integer input cannot fill",
        "inputs[1].type: node \"3\" input \"cfg\" is FLOAT, which a string input cannot fill",
        "inputs[2].type: node \"3\" input \"steps\" is INT, which a choice input cannot fill",
        "inputs[3].type: node \"4\" input \"ckpt_name\" is a choice, which a image input cannot fill");
  }

  @Test
  void aChoiceMustBeAmongTheNodesOwnList() {
    assertThat(errors("[{'name':'s','node':'3','input':'sampler_name','type':'choice','choices':['euler','warp']}]"))
        .containsExactly("inputs[0].choices: \"warp\" is not one of node \"3\" input \"sampler_name\"'s choices");
  }

  @Test
  void aLinkedInputCannotBeFilled() {
    assertThat(errors("[{'name':'m','node':'3','input':'model','type':'string'}]")).containsExactly(
        "inputs[0].input: node \"3\" input \"model\" is linked to another node's output; only a value can be filled");
  }

  @Test
  void missingFieldsUnknownTypesBadDefaultsAndDuplicatesAreAllNamed() {
    assertThat(errors("[{'node':'6','input':'text','type':'string'},"
        + "{'name':'x','node':'6','input':'text','type':'text'},"
        + "{'name':'steps','node':'3','input':'steps','type':'integer','minimum':1,'maximum':10,'default':11},"
        + "{'name':'steps','node':'3','input':'cfg','type':'number'},"
        + "{'name':'p','node':'6','input':'text','type':'string','required':'yes'}]")).containsExactly(
        "inputs[0].name: required, a non-empty string",
        "inputs[1].type: unknown type \"text\"; one of string, integer, number, boolean, choice, seed, image",
        "inputs[2].default: must be at most 10",
        "inputs[3].name: \"steps\" is declared twice",
        "inputs[4].required: must be a boolean");
  }

  @Test
  void aBadNameAndAMissingWorkflowAreNamed() {
    ObjectNode body = JSON.createObjectNode().put("name", "Has Spaces");
    body.set("inputs", json("[]"));
    assertThat(DeploymentDefinition.parse(body, Optional.of(CATALOG)).errors()).extracting(FieldError::field)
        .containsExactly("name", "workflow");
  }

  @Test
  void anImageInputFillsALoadImage() {
    ObjectNode body = JSON.createObjectNode().put("name", "edit");
    body.set("workflow", json("{'10':{'class_type':'LoadImage','inputs':{'image':'example.png'}}}"));
    body.set("inputs", json("[{'name':'photo','node':'10','input':'image','type':'image','required':true}]"));
    var parsed = DeploymentDefinition.parse(body, Optional.of(CATALOG));
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.definition().inputs().get(0).required()).isTrue();
  }

  @Test
  void withoutACatalogTheWorkflowMustSetTheInputAndAChoiceNeedsChoices() {
    assertThat(DeploymentDefinition.parse(body("[{'name':'a','node':'6','input':'text','type':'string'},"
        + "{'name':'b','node':'6','input':'nothing','type':'boolean'},"
        + "{'name':'c','node':'3','input':'sampler_name','type':'choice'}]"), Optional.empty()).errors())
        .extracting(FieldError::toString).containsExactly(
            "inputs[1].input: node \"6\" has no input \"nothing\"",
            "inputs[2].choices: a choice input needs choices (no catalog lists them)");
  }
}
