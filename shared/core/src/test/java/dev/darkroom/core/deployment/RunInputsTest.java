package dev.darkroom.core.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run's inputs: each type, bounds, choices, unknown and missing fields, the seed drawn and recorded. */
class RunInputsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final DeploymentVersion VERSION = version();

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode sd15() {
    try (InputStream in = RunInputsTest.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DeploymentVersion version() {
    return new DeploymentVersion(3, sd15(), List.of(
        new DeploymentInput("prompt", "6", "text", InputType.STRING, null, null, null, null, null, true),
        new DeploymentInput("seed", "3", "seed", InputType.SEED, null, null, null, null, null, false),
        new DeploymentInput("steps", "3", "steps", InputType.INTEGER, null, new IntNode(25), 1.0, 50.0, null, false),
        new DeploymentInput("cfg", "3", "cfg", InputType.NUMBER, null, null, 0.0, 30.0, null, false),
        new DeploymentInput("sampler", "3", "sampler_name", InputType.CHOICE, null, null, null, null,
            List.of("euler", "dpmpp_2m"), false),
        new DeploymentInput("width", "5", "width", InputType.INTEGER, null, null, null, null, null, false)),
        Instant.EPOCH);
  }

  private static RunInputs.Filled fill(String inputs) {
    return RunInputs.fill(VERSION, json(inputs), name -> name.equals("mine.png"), () -> 123_456_789L);
  }

  @Test
  void givenValuesFillTheirNodesAndOmittedOnesTakeDefaultsOrTheWorkflowsOwn() {
    RunInputs.Filled filled = fill("{'prompt':'a red fox','cfg':6.5,'sampler':'dpmpp_2m','seed':42}");
    assertThat(filled.errors()).isEmpty();
    assertThat(filled.prompt().at("/6/inputs/text").asText()).isEqualTo("a red fox");
    assertThat(filled.prompt().at("/3/inputs/seed").asLong()).isEqualTo(42);
    assertThat(filled.prompt().at("/3/inputs/cfg").asDouble()).isEqualTo(6.5);
    assertThat(filled.prompt().at("/3/inputs/sampler_name").asText()).isEqualTo("dpmpp_2m");
    assertThat(filled.prompt().at("/3/inputs/steps").asInt()).as("the default").isEqualTo(25);
    assertThat(filled.prompt().at("/5/inputs/width").asInt()).as("the workflow's own").isEqualTo(512);
    assertThat(filled.used().toString()).isEqualTo(json(
        "{'prompt':'a red fox','seed':42,'steps':25,'cfg':6.5,'sampler':'dpmpp_2m'}").toString());
    assertThat(VERSION.workflow().at("/6/inputs/text").asText()).as("the version is untouched")
        .startsWith("beautiful scenery");
  }

  @Test
  void anOmittedSeedIsDrawnAndRecorded() {
    RunInputs.Filled filled = fill("{'prompt':'x'}");
    assertThat(filled.errors()).isEmpty();
    assertThat(filled.prompt().at("/3/inputs/seed").asLong()).isEqualTo(123_456_789L);
    assertThat(filled.used().get("seed").asLong()).isEqualTo(123_456_789L);
  }

  @Test
  void aDrawnSeedStaysWithinItsBounds() {
    DeploymentInput bounded = new DeploymentInput("seed", "3", "seed", InputType.SEED, null, null, 10.0, 20.0, null,
        false);
    DeploymentVersion version = new DeploymentVersion(1, sd15(), List.of(bounded),
        Instant.EPOCH);
    for (long draw : new long[] {-5, 0, 7, Long.MAX_VALUE, Long.MIN_VALUE}) {
      long seed = RunInputs.fill(version, null, name -> false, () -> draw).used().get("seed").asLong();
      assertThat(seed).isBetween(10L, 20L);
    }
  }

  @Test
  void everyWrongUnknownAndMissingFieldIsNamedAtOnce() {
    RunInputs.Filled filled = fill("{'seed':'abc','steps':51,'cfg':true,'sampler':'warp','width':1.5,'colour':'red'}");
    assertThat(filled.prompt()).isNull();
    assertThat(filled.errors()).extracting(FieldError::toString).containsExactly(
        "inputs.colour: no such input in version 3",
        "inputs.prompt: required",
        "inputs.seed: must be an integer",
        "inputs.steps: must be at most 50",
        "inputs.cfg: must be a number",
        "inputs.sampler: must be one of \"euler\", \"dpmpp_2m\"",
        "inputs.width: must be an integer");
  }

  @Test
  void aBelowMinimumValueAndANonObjectAreRefused() {
    assertThat(fill("{'prompt':'x','steps':0}").errors()).extracting(FieldError::toString)
        .containsExactly("inputs.steps: must be at least 1");
    assertThat(fill("['x']").errors()).extracting(FieldError::toString)
        .containsExactly("inputs: must be an object of input names to values");
  }

  @Test
  void anIntegralFloatIsAnIntegerAndIsFilledAsOne() {
    RunInputs.Filled filled = fill("{'prompt':'x','steps':30.0}");
    assertThat(filled.errors()).isEmpty();
    assertThat(filled.prompt().at("/3/inputs/steps").isIntegralNumber()).isTrue();
  }

  @Test
  void anImageMustBeOneOfTheCallersUploadsAndABooleanABoolean() {
    DeploymentVersion version = new DeploymentVersion(1,
        (ObjectNode) json(
            "{'10':{'class_type':'LoadImage','inputs':{'image':'example.png','flag':false}}}"),
        List.of(new DeploymentInput("photo", "10", "image", InputType.IMAGE, null, null, null, null, null, true),
            new DeploymentInput("flag", "10", "flag", InputType.BOOLEAN, null, null, null, null, null, false)),
        Instant.EPOCH);
    assertThat(RunInputs.fill(version, json("{'photo':'mine.png','flag':true}"), "mine.png"::equals, () -> 0)
        .prompt().at("/10/inputs/image")).isEqualTo(new TextNode("mine.png"));
    assertThat(RunInputs.fill(version, json("{'photo':'theirs.png','flag':'true'}"), "mine.png"::equals, () -> 0)
        .errors()).extracting(FieldError::toString).containsExactly(
            "inputs.photo: you have no upload named \"theirs.png\"", "inputs.flag: must be a boolean");
  }

  @Test
  void theInputSchemaSaysEachTypeBoundsChoicesAndWhatIsRequired() {
    var schema = InputSchemas.of(VERSION);
    assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
    assertThat(schema.get("required")).isEqualTo(json("['prompt']"));
    assertThat(schema.at("/properties/steps")).isEqualTo(json(
        "{'type':'integer','minimum':1.0,'maximum':50.0,'default':25,'x-darkroom-type':'integer'}"));
    assertThat(schema.at("/properties/sampler/enum")).isEqualTo(json("['euler','dpmpp_2m']"));
    assertThat(schema.at("/properties/seed/type").asText()).isEqualTo("integer");
    assertThat(schema.at("/properties/cfg/type").asText()).isEqualTo("number");
  }

  @Test
  void anImageInputsSchemaIsAStringThatSaysWhichFormsItTakes() {
    DeploymentVersion version = new DeploymentVersion(1, (ObjectNode) json("{'10':{'class_type':'LoadImage','inputs':{}}}"),
        List.of(new DeploymentInput("photo", "10", "image", InputType.IMAGE, "The photo to edit.", null, null, null,
            null, true)), Instant.EPOCH);
    var photo = InputSchemas.of(version).at("/properties/photo");
    assertThat(photo.get("type").asText()).isEqualTo("string");
    assertThat(photo.get("x-darkroom-type").asText()).isEqualTo("image");
    assertThat(photo.get("description").asText()).startsWith("The photo to edit. (an image: ")
        .contains("uploads", "URL", "base64");
  }

  @Test
  void anImageThatIsNotAStringSaysWhatItMayBe() {
    DeploymentVersion version = new DeploymentVersion(1, (ObjectNode) json("{'10':{'class_type':'LoadImage','inputs':{}}}"),
        List.of(new DeploymentInput("photo", "10", "image", InputType.IMAGE, null, null, null, null, null, true)),
        Instant.EPOCH);
    assertThat(RunInputs.fill(version, json("{'photo':7}"), name -> true, () -> 0).errors())
        .extracting(FieldError::toString).containsExactly(
            "inputs.photo: must be a string: the name of one of your uploads, an http(s) URL or base64 image data");
  }

  @Test
  void inputsReadBackAsTheyWereWritten() {
    assertThat(InputsJson.read(InputsJson.write(VERSION.inputs()))).isEqualTo(VERSION.inputs());
  }
}
