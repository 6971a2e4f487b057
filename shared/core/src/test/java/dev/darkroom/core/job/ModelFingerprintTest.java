package dev.darkroom.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelFingerprintTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode prompt(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  @Test
  void promptsLoadingTheSameModelsShareAFingerprintWhateverTheSeedOrOrder() throws Exception {
    ObjectNode a = prompt("{\"4\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"sd15.safetensors\"}},"
        + "\"10\":{\"class_type\":\"LoraLoader\",\"inputs\":{\"lora_name\":\"ink.safetensors\",\"model\":[\"4\",0]}},"
        + "\"3\":{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":1,\"steps\":20}}}");
    ObjectNode b = prompt("{\"1\":{\"class_type\":\"LoraLoader\",\"inputs\":{\"lora_name\":\"ink.safetensors\",\"model\":[\"2\",0]}},"
        + "\"2\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"sd15.safetensors\"}},"
        + "\"5\":{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":99,\"steps\":4}},"
        + "\"6\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"sd15.safetensors\"}}}");

    assertThat(ModelFingerprint.of(a)).isEqualTo(ModelFingerprint.of(b)).hasSize(16).isNotEqualTo(ModelFingerprint.NO_MODELS);
    assertThat(ModelFingerprint.models(a)).containsExactly("ink.safetensors", "sd15.safetensors");
  }

  @Test
  void anotherModelOrACustomLoaderChangesIt() throws Exception {
    String sd15 = ModelFingerprint.of(prompt("{\"4\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"sd15.safetensors\"}}}"));
    String sdxl = ModelFingerprint.of(prompt("{\"4\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"sdxl.safetensors\"}}}"));
    String custom = ModelFingerprint.of(prompt("{\"4\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"sd15.safetensors\"}},"
        + "\"8\":{\"class_type\":\"SomePackUpscaler\",\"inputs\":{\"model\":\"sub/4x-Ultra.PTH\"}}}"));
    assertThat(sd15).isNotEqualTo(sdxl).isNotEqualTo(custom);
  }

  @Test
  void aPromptWithoutModelFilesHasTheNoModelsFingerprint() throws Exception {
    assertThat(ModelFingerprint.of(prompt("{\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"cat.png\"}},"
        + "\"2\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\".safetensors\",\"images\":[\"1\",0]}}}")))
        .isEqualTo(ModelFingerprint.NO_MODELS);
  }

  /**
   * Fingerprints are stored on queued jobs and matched by dispatch and draining runners of other
   * releases: a change of the algorithm regroups stored work, so the values are pinned. Each
   * expected value is the first 16 hex digits of the SHA-256 of the sorted model names joined by
   * newlines, as {@code printf '%s' NAMES | sha256sum} gives it.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "sd1.5-txt2img.json, dd8a1c7f7784a011",
      "sd1.5-img2img.json, dd8a1c7f7784a011",
      "sdxl-txt2img.json, 01736b5317a78465",
      "sdxl-txt2img-with-refiner.json, 29bab57e0d346da6",
      "flux-txt2img.json, 39903ba05fc02729"})
  void theSampleWorkflowsHaveTheirKnownFingerprints(String workflow, String expected) throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/workflows/" + workflow)) {
      assertThat(ModelFingerprint.of((ObjectNode) JSON.readTree(in))).isEqualTo(expected);
    }
  }

  @Test
  void aLoraOnACheckpointHasItsKnownFingerprint() throws Exception {
    ObjectNode p = prompt("{\"4\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"sd15.safetensors\"}},"
        + "\"10\":{\"class_type\":\"LoraLoader\",\"inputs\":{\"lora_name\":\"ink.safetensors\",\"model\":[\"4\",0]}}}");
    assertThat(ModelFingerprint.of(p)).isEqualTo("12a77a3e3a242a27");
  }

  @Test
  void aQueuedJobCarriesItsPromptsFingerprint() throws Exception {
    ObjectNode p = prompt("{\"4\":{\"class_type\":\"UNETLoader\",\"inputs\":{\"unet_name\":\"flux1-dev.safetensors\"}}}");
    assertThat(Job.queued("j", "u", 1, p, null, null, java.time.Instant.EPOCH).fingerprint()).isEqualTo(ModelFingerprint.of(p));
  }
}
