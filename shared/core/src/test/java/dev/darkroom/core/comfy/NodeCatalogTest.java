package dev.darkroom.core.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeCatalogTest {

  private final NodeCatalog catalog = Workflows.catalog();

  @Test
  void servesObjectInfoWithoutDarkroomMarkers() {
    ObjectNode info = catalog.toObjectInfo();

    assertThat(info.get("LoadImage").has(NodeCatalog.DARKROOM_KEY)).isFalse();
    assertThat(info.toString()).doesNotContain("x_darkroom");
    assertThat(catalog.customValidatedInputs("LoadImage")).containsExactly("image");
    assertThat(catalog.toObjectInfo("KSampler").fieldNames()).toIterable().containsExactly("KSampler");
    assertThat(catalog.toObjectInfo("NoSuch").isEmpty()).isTrue();
  }

  @Test
  void inputFilesAreTheUploadMarkedAndTheFileCheckedInputs() {
    ObjectNode published = catalog.toObjectInfo();
    ObjectNode audio = published.putObject("LoadAudio");
    com.fasterxml.jackson.databind.node.ArrayNode spec = audio.putObject("input").putObject("required").putArray("audio");
    spec.addArray().add("a.wav");
    spec.addObject().put("audio_upload", true);
    audio.putArray("output").add("AUDIO");

    NodeCatalog merged = NodeCatalog.fromPublished(published);

    assertThat(merged.inputFileInputs("LoadImage")).containsExactly("image");
    assertThat(merged.inputFileInputs("LoadAudio")).containsExactly("audio");
    assertThat(merged.inputFileInputs("KSampler")).isEmpty();
    assertThat(merged.inputFileInputs("NoSuch")).isEmpty();
  }

  @Test
  void aPublishedCatalogGetsTheCoreMarkersBackAndListsModelFolders() {
    ObjectNode published = catalog.toObjectInfo();
    ObjectNode mask = published.putObject("LoadImageMask");
    mask.putObject("input").putObject("required").putArray("image").addArray().add("a.png");
    mask.putArray("output").add("MASK");
    published.putObject("Custom+").putObject("input").putObject("required");

    NodeCatalog merged = NodeCatalog.fromPublished(published);

    assertThat(merged.customValidatedInputs("LoadImage")).containsExactly("image");
    assertThat(merged.customValidatedInputs("LoadImageMask")).containsExactly("image");
    assertThat(merged.customValidatedInputs("Custom+")).isEmpty();
    assertThat(merged.toObjectInfo().toString()).doesNotContain(NodeCatalog.DARKROOM_KEY);
    assertThat(merged.folderFiles()).containsKeys("checkpoints", "vae", "loras").doesNotContainKey("input");
    assertThat(merged.folderFiles().get("checkpoints")).startsWith("dreamshaper_8.safetensors").hasSize(4);
    assertThat(NodeCatalog.fromObjectInfo(published).customValidatedInputs("LoadImage"))
        .as("without the merge, /object_info alone cannot say it").isEmpty();
  }

  @Test
  void aPublishedComboWithExactlyOneFoldersListIsRecognisedAsThatFolders() {
    NodeCatalog core = NodeCatalog.coreNodes(folder -> switch (folder) {
      case "loras" -> List.of("a.safetensors", "b.safetensors");
      case "vae" -> List.of("v.safetensors");
      case "text_encoders", "diffusion_models" -> List.of("same.safetensors");
      default -> List.of();
    });
    ObjectNode published = core.toObjectInfo();
    ObjectNode modelOnly = published.putObject("LoraLoaderModelOnly").putObject("input").putObject("required");
    modelOnly.putArray("lora_name").addArray().add("b.safetensors").add("a.safetensors");
    modelOnly.putArray("strength_model").add("FLOAT");
    ObjectNode custom = published.putObject("CustomPicker").putObject("input").putObject("optional");
    custom.putArray("mode").addArray().add("a.safetensors");
    custom.putArray("either").addArray().add("same.safetensors");

    NodeCatalog merged = NodeCatalog.fromPublished(published)
        .withFolderChoices(folder -> folder.equals("loras") ? List.of("new.safetensors") : null);

    assertThat(merged.toObjectInfo("LoraLoaderModelOnly").at("/LoraLoaderModelOnly/input/required/lora_name/0/0").asText())
        .as("the loras folder's list, in any order").isEqualTo("new.safetensors");
    assertThat(merged.toObjectInfo("CustomPicker").at("/CustomPicker/input/optional/mode/0/0").asText())
        .as("a subset is not the folder's list").isEqualTo("a.safetensors");
    assertThat(merged.toObjectInfo("CustomPicker").at("/CustomPicker/input/optional/either/0/0").asText())
        .as("two folders' lists alike: neither").isEqualTo("same.safetensors");
    assertThat(merged.toObjectInfo("VAELoader").at("/VAELoader/input/required/vae_name/0/0").asText())
        .as("a folder answered null keeps its choices").isEqualTo("v.safetensors");
  }

  @Test
  void modelCombosComeFromTheFolderLists() {
    JsonNode ckpt = catalog.toObjectInfo().get("CheckpointLoaderSimple").get("input").get("required").get("ckpt_name");

    assertThat(ckpt.get(0)).hasSize(4);
    assertThat(ckpt.get(0).get(0).asText()).isEqualTo("dreamshaper_8.safetensors");
    assertThat(ckpt.get(1).get("tooltip").asText()).isEqualTo("The name of the checkpoint (model) to load.");
  }

  @Test
  void describesInputsOutputsAndOutputNodes() {
    InputSpec seed = catalog.inputs("KSampler").get("seed");

    assertThat(seed.typeName()).isEqualTo("INT");
    assertThat(seed.options().get("max").bigIntegerValue().toString()).isEqualTo("18446744073709551615");
    assertThat(catalog.inputs("KSampler").keySet())
        .containsExactly(
            "model", "seed", "steps", "cfg", "sampler_name", "scheduler", "positive", "negative",
            "latent_image", "denoise");
    assertThat(catalog.inputs("CLIPLoader").get("device").required()).isFalse();
    assertThat(catalog.returnTypes("CheckpointLoaderSimple").stream().map(JsonNode::asText).toList())
        .isEqualTo(List.of("MODEL", "CLIP", "VAE"));
    assertThat(catalog.isOutputNode("SaveImage")).isTrue();
    assertThat(catalog.isOutputNode("VAEDecode")).isFalse();
    assertThat(catalog.inputs("KSampler").get("sampler_name").isCombo()).isTrue();
  }

  @Test
  void knowsEveryCoreNodeTheSampleWorkflowsUse() {
    assertThat(catalog.classTypes())
        .contains(
            "CheckpointLoaderSimple", "CLIPTextEncode", "EmptyLatentImage", "EmptySD3LatentImage",
            "KSampler", "KSamplerAdvanced", "VAEDecode", "VAEEncode", "VAELoader", "LoraLoader",
            "CLIPLoader", "DualCLIPLoader", "UNETLoader", "LoadImage", "ImageScale", "SaveImage",
            "PreviewImage")
        .doesNotContain("ImageResize+");
  }
}
