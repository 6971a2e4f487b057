package dev.darkroom.core.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The core-node samples ({@code workflows/core/}: Flux, SD3, ControlNet, model upscale, animated WebP
 * and the other output kinds) pass validation against the catalog the api builds: the engine's
 * published {@code /object_info} (here the core catalog with the samples' models, as the
 * simulated engine publishes it) with the core markers put back.
 */
class CoreSampleWorkflowsTest {

  private static final Map<String, List<String>> MODELS = Map.of(
      "checkpoints", List.of("dreamshaper_8.safetensors", "sd3.5_medium.safetensors", "sd_xl_base_1.0.safetensors",
          "v1-5-pruned-emaonly.safetensors"),
      "diffusion_models", List.of("flux1-schnell.safetensors"),
      "text_encoders", List.of("clip_g.safetensors", "clip_l.safetensors", "t5xxl_fp8_e4m3fn.safetensors"),
      "vae", List.of("ae.safetensors"),
      "controlnet", List.of("control_v11p_sd15_canny.pth"),
      "upscale_models", List.of("4x-UltraSharp.pth"),
      "input", List.of("example.png"));

  private final CatalogCheck apiCheck = new CatalogCheck(
      NodeCatalog.fromPublished(NodeCatalog.coreNodes(folder -> MODELS.getOrDefault(folder, List.of())).toObjectInfo()),
      CustomInputCheck.fileExists(Set.of("example.png")::contains));

  @ParameterizedTest
  @ValueSource(strings = {"flux-custom-sampler.json", "sd3-triple-clip.json", "controlnet-canny.json",
      "sdxl-upscale-model.json", "animated-webp.json", "video-audio-latent-text.json"})
  void eachSampleIsAcceptedWithEveryOutputToRun(String sample) {
    PromptVerdict verdict = apiCheck.check(Workflows.load("core/" + sample), null);

    assertThat(verdict.accepted()).as("%s: %s", sample, verdict).isTrue();
    assertThat(verdict.nodeErrors().isEmpty()).as("%s: %s", sample, verdict.nodeErrors()).isTrue();
    assertThat(verdict.outputsToExecute()).isNotEmpty();
  }

  @org.junit.jupiter.api.Test
  void previewAnyTakesALinkOfAnyTypeButAPlainWildcardOnlyItsOwn() {
    com.fasterxml.jackson.databind.node.ObjectNode prompt = Workflows.json(
        "{'1': {'class_type': 'PrimitiveString', 'inputs': {'value': 'a'}},"
            + " '2': {'class_type': 'PreviewAny', 'inputs': {'source': ['1', 0]}}}");

    assertThat(apiCheck.check(prompt, null).accepted()).isTrue();
    // The same definition published without the recorded marker: a plain "*" (V1's string type).
    com.fasterxml.jackson.databind.node.ObjectNode plain = NodeCatalog.coreNodes(f -> List.of()).toObjectInfo();
    CatalogCheck published = new CatalogCheck(NodeCatalog.fromObjectInfo(plain), CustomInputCheck.acceptAll());
    assertThat(published.check(prompt, null).nodeErrors().toString()).contains("return_type_mismatch");
  }

  @org.junit.jupiter.api.Test
  void aMissingInputFileIsRefusedInTheLoadersOwnWords() {
    com.fasterxml.jackson.databind.node.ObjectNode prompt = Workflows.json(
        "{'1': {'class_type': 'LoadAudio', 'inputs': {'audio': 'gone.wav'}},"
            + " '2': {'class_type': 'PreviewAudio', 'inputs': {'audio': ['1', 0]}}}");

    PromptVerdict verdict = apiCheck.check(prompt, null);

    assertThat(verdict.nodeErrors().at("/1/errors/0/type").asText()).isEqualTo("custom_validation_failed");
    assertThat(verdict.nodeErrors().at("/1/errors/0/details").asText()).isEqualTo("audio - Invalid audio file: gone.wav");
  }

  @ParameterizedTest
  @ValueSource(strings = {"flux-custom-sampler.json", "sd3-triple-clip.json", "controlnet-canny.json"})
  void aSampleNamingAModelTheFolderLacksIsRefusedAtItsLoader(String sample) {
    CatalogCheck noModels = new CatalogCheck(
        NodeCatalog.fromPublished(NodeCatalog.coreNodes(folder -> List.of()).toObjectInfo()),
        CustomInputCheck.fileExists(Set.of("example.png")::contains));

    PromptVerdict verdict = noModels.check(Workflows.load("core/" + sample), null);

    assertThat(verdict.accepted()).isFalse();
    assertThat(verdict.nodeErrors().toString()).contains("value_not_in_list");
  }
}
