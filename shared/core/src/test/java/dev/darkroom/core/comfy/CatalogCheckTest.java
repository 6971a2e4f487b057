package dev.darkroom.core.comfy;

import static dev.darkroom.core.comfy.Workflows.json;
import static dev.darkroom.core.comfy.Workflows.load;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CatalogCheckTest {

  private final CatalogCheck validator =
      new CatalogCheck(
          Workflows.catalog(),
          CustomInputCheck.fileExists(Set.of("example.png")::contains));

  private PromptVerdict validate(ObjectNode prompt) {
    return validator.check(prompt, null);
  }

  /** The only error of node {@code id}, asserting there is exactly one. */
  private static JsonNode onlyError(PromptVerdict v, String id) {
    JsonNode errors = v.nodeErrors().path(id).path("errors");
    assertThat(errors.size()).as("errors of node %s in %s", id, v).isEqualTo(1);
    return errors.get(0);
  }

  @ParameterizedTest
  @CsvSource({
    "sd1.5-txt2img.json, 9",
    "sdxl-txt2img.json, 19",
    "sdxl-txt2img-with-refiner.json, 19",
    "flux-txt2img.json, 9"
  })
  void sampleWorkflowsAreAccepted(String file, String saveNode) {
    PromptVerdict v = validate(load(file));

    assertThat(v.accepted()).as("%s", v).isTrue();
    assertThat(v.nodeErrors().isEmpty()).isTrue();
    assertThat(v.outputsToExecute()).containsExactly(saveNode);
  }

  @Test
  void img2imgIsRefusedForItsCustomNodeLikeComfyUIWithoutThePack() {
    PromptVerdict v = validate(load("sd1.5-img2img.json"));

    PromptError error = v.error();
    assertThat(error.type()).isEqualTo("invalid_prompt");
    assertThat(error.message()).isEqualTo("Cannot execute because node ImageResize+ does not exist.");
    assertThat(error.details()).isEqualTo("Node ID '#11'");
    assertThat(error.extraInfo().isEmpty()).isTrue();
    assertThat(v.nodeErrors().isEmpty()).isTrue();
  }

  @Test
  void img2imgWithACoreResizeChecksThatLoadImagesFileExists() {
    ObjectNode prompt = load("sd1.5-img2img.json");
    prompt.set(
        "11",
        json(
            "{'class_type':'ImageScale','inputs':{'image':['10',0],'upscale_method':'nearest-exact',"
                + "'width':512,'height':512,'crop':'disabled'}}"));
    assertThat(validate(prompt).accepted()).isTrue();

    ((ObjectNode) prompt.get("10").get("inputs")).put("image", "missing.png");
    PromptVerdict v = validate(prompt);

    assertThat(v.error().type()).isEqualTo("prompt_outputs_failed_validation");
    JsonNode error = onlyError(v, "10");
    assertThat(error.get("type").asText()).isEqualTo("custom_validation_failed");
    assertThat(error.get("message").asText()).isEqualTo("Custom validation failed for node");
    assertThat(error.get("details").asText()).isEqualTo("image - Invalid image file: missing.png");
    assertThat(error.get("extra_info")).isEqualTo(json("{'input_name':'image'}"));
    assertThat(v.nodeErrors().get("10").get("class_type").asText()).isEqualTo("LoadImage");
    assertThat(v.error().details()).isEmpty();
  }

  @Test
  void aNodeWithoutClassTypeIsInvalidEvenWhenUnreachable() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    prompt.set("50", json("{'inputs':{}}"));

    PromptError error = validate(prompt).error();

    assertThat(error.type()).isEqualTo("invalid_prompt");
    assertThat(error.message())
        .isEqualTo("Cannot execute because a node is missing the class_type property.");
    assertThat(error.details()).isEqualTo("Node ID '#50'");
  }

  @Test
  void anUnknownClassIsInvalidEvenWhenUnreachable() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    prompt.set("50", json("{'class_type':'NoSuchNode','inputs':{}}"));

    PromptError error = validate(prompt).error();

    assertThat(error.type()).isEqualTo("invalid_prompt");
    assertThat(error.message()).isEqualTo("Cannot execute because node NoSuchNode does not exist.");
    assertThat(error.details()).isEqualTo("Node ID '#50'");
  }

  @Test
  void aPromptWithoutOutputNodes() {
    ObjectNode prompt = json("{'5':{'class_type':'EmptyLatentImage','inputs':{'width':512,'height':512,'batch_size':1}}}");

    PromptVerdict v = validate(prompt);

    assertThat(v.error())
        .isEqualTo(PromptError.of("prompt_no_outputs", "Prompt has no outputs", ""));
    assertThat(v.outputsToExecute()).isEmpty();
  }

  @Test
  void partialExecutionTargetsCountOnlyListedOutputs() {
    ObjectNode prompt = load("sd1.5-txt2img.json");

    assertThat(validator.check(prompt, List.of("3")).error().type())
        .isEqualTo("prompt_no_outputs");
    assertThat(validator.check(prompt, List.of("9")).outputsToExecute()).containsExactly("9");
  }

  @Test
  void requiredInputMissing() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).remove("steps");

    PromptVerdict v = validate(prompt);

    assertThat(v.error().type()).isEqualTo("prompt_outputs_failed_validation");
    assertThat(v.error().message()).isEqualTo("Prompt outputs failed validation");
    assertThat(v.error().details())
        .as("ComfyUI lists only the errors of the output node itself")
        .isEqualTo("");
    assertThat(v.nodeErrors())
        .isEqualTo(
            json(
                "{'3':{'errors':[{'type':'required_input_missing','message':'Required input is missing',"
                    + "'details':'steps','extra_info':{'input_name':'steps'}}],"
                    + "'dependent_outputs':['9'],'class_type':'KSampler'}}"));
  }

  @Test
  void aLinkThatIsNotAPairIsABadLinkedInput() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).set("model", json("{'l':['4']}").get("l"));

    JsonNode error = onlyError(validate(prompt), "3");

    assertThat(error.get("type").asText()).isEqualTo("bad_linked_input");
    assertThat(error.get("message").asText())
        .isEqualTo("Bad linked input, must be a length-2 list of [node_id, slot_index]");
    assertThat(error.get("details").asText()).isEqualTo("model");
    assertThat(error.get("extra_info"))
        .isEqualTo(
            json(
                "{'input_name':'model','input_config':['MODEL',{'tooltip':'The model used for denoising the input latent.'}],"
                    + "'received_value':['4']}"));
  }

  @Test
  void aLinkOfTheWrongTypeIsAReturnTypeMismatch() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).set("model", json("{'l':['4',1]}").get("l"));

    JsonNode error = onlyError(validate(prompt), "3");

    assertThat(error.get("type").asText()).isEqualTo("return_type_mismatch");
    assertThat(error.get("message").asText()).isEqualTo("Return type mismatch between linked nodes");
    assertThat(error.get("details").asText())
        .isEqualTo("model, received_type(CLIP) mismatch input_type(MODEL)");
    assertThat(error.get("extra_info").get("received_type").asText()).isEqualTo("CLIP");
    assertThat(error.get("extra_info").get("linked_node")).isEqualTo(json("{'l':['4',1]}").get("l"));
    assertThat(error.get("extra_info").get("input_config").get(0).asText()).isEqualTo("MODEL");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "IMAGE|IMAGE|true",
        "IMAGE,MASK|MASK|true",
        "IMAGE, MASK|LATENT,MASK|true",
        "IMAGE|MASK|false",
        "*|IMAGE|false",
        "IMAGE|*|false"
      })
  void typesMatchByEqualityOrCommaSetIntersection(String received, String expected, boolean match) {
    assertThat(CatalogCheck.typesMatch(TextNode.valueOf(received), TextNode.valueOf(expected)))
        .isEqualTo(match);
  }

  @Test
  void anUnconvertibleLiteralIsAnInvalidInputType() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("steps", "abc");

    JsonNode error = onlyError(validate(prompt), "3");

    assertThat(error.get("type").asText()).isEqualTo("invalid_input_type");
    assertThat(error.get("message").asText()).isEqualTo("Failed to convert an input value to a INT value");
    assertThat(error.get("details").asText())
        .isEqualTo("steps, abc, invalid literal for int() with base 10: 'abc'");
    assertThat(error.get("extra_info").get("received_value").asText()).isEqualTo("abc");
    assertThat(error.get("extra_info").get("exception_message").asText())
        .isEqualTo("invalid literal for int() with base 10: 'abc'");
    assertThat(error.get("extra_info").get("input_config").get(1).get("min").asInt()).isEqualTo(1);
  }

  @Test
  void literalsAreCoercedLikePythonAndTheCoercedPromptIsReturned() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ObjectNode inputs = (ObjectNode) prompt.get("3").get("inputs");
    inputs.put("steps", 5.7);
    inputs.put("cfg", "7");
    inputs.set("denoise", json("{'__value__':'0.5'}"));
    inputs.put("seed", " 12_345 ");

    PromptVerdict v = validate(prompt);

    assertThat(v.accepted()).as("%s", v).isTrue();
    JsonNode coerced = v.prompt().get("3").get("inputs");
    assertThat(coerced.get("steps")).isEqualTo(IntNode.valueOf(5));
    assertThat(coerced.get("cfg").isDouble()).isTrue();
    assertThat(coerced.get("cfg").doubleValue()).isEqualTo(7.0);
    assertThat(coerced.get("denoise").doubleValue()).isEqualTo(0.5);
    assertThat(coerced.get("seed").asLong()).isEqualTo(12345L);
    assertThat(prompt.get("3").get("inputs").get("steps").doubleValue())
        .as("the caller's prompt is left alone")
        .isEqualTo(5.7);
  }

  @Test
  void valueSmallerThanMin() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("steps", 0);

    JsonNode error = onlyError(validate(prompt), "3");

    assertThat(error.get("type").asText()).isEqualTo("value_smaller_than_min");
    assertThat(error.get("message").asText()).isEqualTo("Value 0 smaller than min of 1");
    assertThat(error.get("details").asText()).isEqualTo("steps");
    assertThat(error.get("extra_info").get("input_name").asText()).isEqualTo("steps");
    assertThat(error.get("extra_info").get("received_value")).isEqualTo(IntNode.valueOf(0));
    assertThat(error.get("extra_info").get("input_config").get(0).asText()).isEqualTo("INT");
  }

  @Test
  void valueBiggerThanMaxPrintsFloatsAsPythonDoes() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("denoise", 2);

    JsonNode error = onlyError(validate(prompt), "3");

    assertThat(error.get("type").asText()).isEqualTo("value_bigger_than_max");
    assertThat(error.get("message").asText()).isEqualTo("Value 2.0 bigger than max of 1.0");
    assertThat(error.get("details").asText()).isEqualTo("denoise");
    assertThat(error.get("extra_info").get("received_value").doubleValue()).isEqualTo(2.0);
  }

  @Test
  void seedsUpToTwoToTheSixtyFourMinusOneAreAcceptedWithoutOverflow() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    BigInteger max = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);
    ((ObjectNode) prompt.get("3").get("inputs")).put("seed", max);
    assertThat(validate(prompt).accepted()).isTrue();

    ((ObjectNode) prompt.get("3").get("inputs")).put("seed", max.add(BigInteger.ONE));
    JsonNode error = onlyError(validate(prompt), "3");

    assertThat(error.get("type").asText()).isEqualTo("value_bigger_than_max");
    assertThat(error.get("message").asText())
        .isEqualTo("Value 18446744073709551616 bigger than max of 18446744073709551615");
  }

  @Test
  void valueNotInAShortListShowsTheList() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("scheduler", "bogus");

    JsonNode error = onlyError(validate(prompt), "3");

    assertThat(error.get("type").asText()).isEqualTo("value_not_in_list");
    assertThat(error.get("message").asText()).isEqualTo("Value not in list");
    assertThat(error.get("details").asText())
        .isEqualTo(
            "scheduler: 'bogus' not in ['simple', 'sgm_uniform', 'karras', 'exponential', "
                + "'ddim_uniform', 'beta', 'normal', 'linear_quadratic', 'kl_optimal']");
    assertThat(error.get("extra_info").get("input_config").get(0).size()).isEqualTo(9);
    assertThat(error.get("extra_info").get("received_value").asText()).isEqualTo("bogus");
  }

  @Test
  void valueNotInALongListGivesItsLengthAndNoConfig() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).put("sampler_name", "bogus");

    JsonNode error = onlyError(validate(prompt), "3");

    assertThat(error.get("details").asText()).isEqualTo("sampler_name: 'bogus' not in (list of length 42)");
    assertThat(error.get("extra_info").get("input_config").isNull()).isTrue();
  }

  @Test
  void aMissingModelIsNotInTheModelList() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("4").get("inputs")).put("ckpt_name", "nope.safetensors");

    JsonNode error = onlyError(validate(prompt), "4");

    assertThat(error.get("details").asText())
        .isEqualTo(
            "ckpt_name: 'nope.safetensors' not in ['dreamshaper_8.safetensors', "
                + "'flux1-schnell-fp8.safetensors', 'sd_xl_base_1.0.safetensors', 'sd_xl_refiner_1.0.safetensors']");
  }

  @Test
  void aLinkToAMissingNodeFailsTheOutputWithAnExceptionDuringValidation() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("9").get("inputs")).set("images", json("{'l':['99',0]}").get("l"));

    PromptVerdict v = validate(prompt);
    JsonNode error = onlyError(v, "9");

    assertThat(error.get("type").asText()).isEqualTo("exception_during_validation");
    assertThat(error.get("message").asText()).isEqualTo("Exception when validating node");
    assertThat(error.get("details").asText()).isEqualTo("'99'");
    assertThat(error.get("extra_info").get("exception_type").asText()).isEqualTo("KeyError");
    assertThat(error.get("extra_info").get("traceback").isArray()).isTrue();
    assertThat(v.error().details())
        .isEqualTo("Exception when validating node: '99'");
  }

  @Test
  void aBadSlotDeeperDownIsAnExceptionDuringInnerValidationOnThatNode() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("8").get("inputs")).set("samples", json("{'l':['3',5]}").get("l"));

    PromptVerdict v = validate(prompt);
    JsonNode error = onlyError(v, "8");

    assertThat(error.get("type").asText()).isEqualTo("exception_during_inner_validation");
    assertThat(error.get("message").asText()).isEqualTo("Exception when validating inner node");
    assertThat(error.get("details").asText()).isEqualTo("tuple index out of range");
    JsonNode extra = error.get("extra_info");
    assertThat(extra.get("input_name").asText()).as("the linking input of the caller").isEqualTo("images");
    assertThat(extra.get("linked_node")).isEqualTo(json("{'l':['8',0]}").get("l"));
    assertThat(extra.get("exception_type").asText()).isEqualTo("IndexError");
    assertThat(extra.get("exception_message").asText()).isEqualTo("tuple index out of range");
    assertThat(extra.get("input_config").get(0).asText()).isEqualTo("IMAGE");
    assertThat(v.nodeErrors().has("9")).as("the output fails only through node 8").isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[4,0]|KeyError|4",
        "[['4'],0]|TypeError|unhashable type: 'list'",
        "['4','0']|TypeError|tuple indices must be integers or slices, not str",
        "['4',0.0]|TypeError|tuple indices must be integers or slices, not float"
      })
  void hostileLinksFailAsPythonWould(String link, String type, String message) {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("3").get("inputs")).set("model", json("{'l':" + link + "}").get("l"));

    JsonNode error = onlyError(validate(prompt), "3");

    assertThat(error.get("type").asText()).isEqualTo("exception_during_inner_validation");
    assertThat(error.get("extra_info").get("exception_type").asText()).isEqualTo(type);
    assertThat(error.get("details").asText()).isEqualTo(message);
  }

  @Test
  void aNegativeSlotCountsFromTheEndAsInPython() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    ((ObjectNode) prompt.get("8").get("inputs")).set("vae", json("{'l':['4',-1]}").get("l"));

    assertThat(validate(prompt).accepted()).isTrue();
  }

  @Test
  void aCycleIsReportedOnEveryNodeOfItAndNeverHangs() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    prompt.set("20", lora("21"));
    prompt.set("21", lora("20"));
    ((ObjectNode) prompt.get("3").get("inputs")).set("model", json("{'l':['20',0]}").get("l"));

    PromptVerdict v = validate(prompt);

    assertThat(v.error().type()).isEqualTo("prompt_outputs_failed_validation");
    JsonNode error = onlyError(v, "20");
    assertThat(error.get("type").asText()).isEqualTo("dependency_cycle");
    assertThat(error.get("message").asText()).isEqualTo("Dependency cycle detected");
    assertThat(error.get("details").asText())
        .isEqualTo("20 (LoraLoader) -> 21 (LoraLoader) -> 20 (LoraLoader)");
    assertThat(error.get("extra_info"))
        .isEqualTo(json("{'node_id':'20','cycle_nodes':['20','21']}"));
    assertThat(onlyError(v, "21").get("extra_info").get("node_id").asText()).isEqualTo("21");
    assertThat(v.nodeErrors().has("3")).isFalse();
  }

  @Test
  void aSelfLoopIsACycle() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    prompt.set("20", lora("20"));
    ((ObjectNode) prompt.get("3").get("inputs")).set("model", json("{'l':['20',0]}").get("l"));

    JsonNode error = onlyError(validate(prompt), "20");

    assertThat(error.get("details").asText()).isEqualTo("20 (LoraLoader) -> 20 (LoraLoader)");
  }

  @Test
  void aChainDeeperThanPythonsRecursionLimitFailsLikeARecursionErrorInsteadOfOverflowing() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    int depth = 5000;
    for (int i = 0; i < depth; i++) {
      prompt.set("L" + i, lora(i + 1 < depth ? "L" + (i + 1) : "4"));
    }
    ((ObjectNode) prompt.get("3").get("inputs")).set("model", json("{'l':['L0',0]}").get("l"));

    PromptVerdict v = validate(prompt);

    assertThat(v.accepted()).isFalse();
    JsonNode error = onlyError(v, "L" + (CatalogCheck.MAX_LINK_DEPTH - 2));
    assertThat(error.get("type").asText()).isEqualTo("exception_during_inner_validation");
    assertThat(error.get("extra_info").get("exception_type").asText()).isEqualTo("RecursionError");
    assertThat(error.get("details").asText()).isEqualTo("maximum recursion depth exceeded");
  }

  @Test
  void whenOnlySomeOutputsFailTheRestAreQueuedAndTheFailuresReported() {
    ObjectNode prompt = load("sd1.5-txt2img.json");
    prompt.set("30", json("{'class_type':'PreviewImage','inputs':{'images':['31',0]}}"));
    prompt.set("31", json("{'class_type':'VAEDecode','inputs':{'samples':['5',0]}}"));

    PromptVerdict v = validate(prompt);

    assertThat(v.accepted()).isTrue();
    assertThat(v.outputsToExecute()).containsExactly("9");
    assertThat(v.nodeErrors())
        .isEqualTo(
            json(
                "{'31':{'errors':[{'type':'required_input_missing','message':'Required input is missing',"
                    + "'details':'vae','extra_info':{'input_name':'vae'}}],"
                    + "'dependent_outputs':['30'],'class_type':'VAEDecode'}}"));
  }

  @Test
  void loadImageWithoutItsImageFailsAsComfyUIsValidateInputsCallDoes() {
    ObjectNode prompt =
        json(
            "{'1':{'class_type':'LoadImage','inputs':{}},"
                + "'2':{'class_type':'PreviewImage','inputs':{'images':['1',0]}}}");

    JsonNode error = onlyError(validate(prompt), "1");

    assertThat(error.get("type").asText()).isEqualTo("exception_during_inner_validation");
    assertThat(error.get("details").asText())
        .isEqualTo("LoadImage.VALIDATE_INPUTS() missing 1 required positional argument: 'image'");
  }

  @Test
  void hostileStructureNeverThrows() {
    assertThat(validator.check(JsonNodeFactory.instance.arrayNode(), null).error().type())
        .isEqualTo("invalid_prompt");
    assertThat(validate(json("{'1':5}")).error().details()).isEqualTo("Node ID '#1'");
    assertThat(validate(json("{'1':{'class_type':5,'inputs':{}}}")).error().message())
        .isEqualTo("Cannot execute because node 5 does not exist.");

    JsonNode noInputs = onlyError(validate(json("{'9':{'class_type':'SaveImage'}}")), "9");
    assertThat(noInputs.get("type").asText()).isEqualTo("exception_during_validation");
    assertThat(noInputs.get("details").asText()).isEqualTo("'inputs'");

    JsonNode numberInputs = onlyError(validate(json("{'9':{'class_type':'SaveImage','inputs':7}}")), "9");
    assertThat(numberInputs.get("details").asText()).isEqualTo("argument of type 'int' is not iterable");

    PromptVerdict listInputs = validate(json("{'9':{'class_type':'SaveImage','inputs':[]}}"));
    assertThat(listInputs.error().type()).isEqualTo("prompt_outputs_failed_validation");
    assertThat(listInputs.error().details())
        .isEqualTo("Required input is missing: images\nRequired input is missing: filename_prefix");
  }

  private static ObjectNode lora(String modelFrom) {
    ObjectNode node =
        json(
            "{'class_type':'LoraLoader','inputs':{'clip':['4',1],'lora_name':'detail.safetensors',"
                + "'strength_model':1.0,'strength_clip':1.0}}");
    ArrayNode link = ((ObjectNode) node.get("inputs")).putArray("model");
    link.add(modelFrom).add(0);
    return node;
  }

  @Test
  void customChecksAreSkippedForOtherClasses() {
    CatalogCheck strict =
        new CatalogCheck(
            Workflows.catalog(), (c, i, v) -> Optional.of("refused " + c + "." + i));
    assertThat(strict.check(load("sd1.5-txt2img.json"), null).accepted()).isTrue();
  }
}
