package dev.darkroom.core.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The core catalog is ComfyUI's own {@code /object_info} at the commit the GPU image runs:
 * recorded by {@code emulators/comfyui/scripts/record-object-info}, which writes the commit into
 * {@code core-nodes.source.json}.
 */
class CoreCatalogSourceTest {
  /** Maven runs the tests in shared/core. */
  private static final Path DOCKERFILE = Path.of("../../gpu-job-image/Dockerfile");

  private final JsonNode source = read("core-nodes.source.json");

  @Test
  void theCatalogWasRecordedAtTheComfyUiCommitTheImagePins() throws IOException {
    String pinned = Files.readAllLines(DOCKERFILE).stream()
        .filter(line -> line.startsWith("ARG COMFYUI_COMMIT="))
        .map(line -> line.substring("ARG COMFYUI_COMMIT=".length()).trim())
        .findFirst().orElseThrow();

    assertThat(source.path("comfyui_commit").asText())
        .as("the ComfyUI pin changed: run emulators/comfyui/scripts/record-object-info and commit its output")
        .isEqualTo(pinned);
  }

  @Test
  void everyNodeClassComfyUiRegisteredIsInTheCatalogAndNoneFailedToRecord() {
    NodeCatalog catalog = NodeCatalog.coreNodes(folder -> null);

    assertThat(source.path("import_failed")).isEmpty();
    assertThat(source.path("node_info_failed")).isEmpty();
    assertThat(catalog.classTypes()).hasSize(source.path("node_classes").asInt());
    assertThat(catalog.classTypes().size()).isGreaterThan(400);
    assertThat(catalog.classTypes()).contains(
        "SaveAnimatedWEBP", "SamplerCustomAdvanced", "FluxGuidance", "TripleCLIPLoader", "ModelSamplingSD3",
        "ControlNetApplyAdvanced", "LatentUpscale", "EmptyImage", "UpscaleModelLoader", "CLIPTextEncodeSDXL",
        "SaveVideo", "SaveAudio", "PreviewAny", "SaveLatent");
  }

  @Test
  void aV3ComboListingAModelFolderOffersTheFolderAsItsOptions() {
    NodeCatalog catalog = NodeCatalog.coreNodes(folder -> folder.equals("upscale_models")
        ? List.of("4x-UltraSharp.pth") : List.of());

    JsonNode modelName = catalog.toObjectInfo("UpscaleModelLoader")
        .at("/UpscaleModelLoader/input/required/model_name");
    assertThat(modelName.get(0).asText()).isEqualTo("COMBO");
    assertThat(modelName.at("/1/options").get(0).asText()).isEqualTo("4x-UltraSharp.pth");
    assertThat(catalog.folderFiles()).containsEntry("upscale_models", List.of("4x-UltraSharp.pth"));
  }

  @Test
  void aComboKeepsTheChoicesComfyUiAddsToTheFolderAndTheFolderListLeavesThemOut() {
    NodeCatalog catalog = NodeCatalog.coreNodes(folder -> folder.equals("vae") ? List.of("ae.safetensors") : List.of());

    JsonNode choices = catalog.toObjectInfo("VAELoader").at("/VAELoader/input/required/vae_name/0");
    assertThat(choices).extracting(JsonNode::asText).containsExactly("ae.safetensors", "pixel_space");
    assertThat(catalog.folderFiles()).containsEntry("vae", List.of("ae.safetensors"));
    assertThat(Map.copyOf(catalog.folderFiles())).doesNotContainKey("input");
  }

  private static JsonNode read(String resource) {
    try (InputStream in = NodeCatalog.class.getResourceAsStream(resource)) {
      return Workflows.JSON.readTree(in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
