package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image build's record of its node catalog: written only when it is this image's. */
class ImageCatalogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path dir;

  private static ObjectNode catalog(String... nodeAndModule) {
    ObjectNode catalog = JSON.createObjectNode();
    for (int i = 0; i < nodeAndModule.length; i += 2) {
      catalog.putObject(nodeAndModule[i]).put("python_module", nodeAndModule[i + 1]);
    }
    return catalog;
  }

  private static final String[] CORE = {"KSampler", "nodes", "CheckpointLoaderSimple", "nodes", "SaveImage", "nodes"};

  private static String[] with(String... more) {
    String[] all = java.util.Arrays.copyOf(CORE, CORE.length + more.length);
    System.arraycopy(more, 0, all, CORE.length, more.length);
    return all;
  }

  @Test
  void writesTheCatalogWhenEveryPinnedPackHasANode() throws Exception {
    CustomNodePins pins = CustomNodePins.parse("impact https://example.com/impact.git " + COMMIT);
    Path out = dir.resolve("object_info.json");

    ImageCatalog.write(catalog(with("ImpactSwitch", "custom_nodes.impact")), pins, out);

    assertThat(JSON.readTree(out.toFile()).at("/ImpactSwitch/python_module").asText()).isEqualTo("custom_nodes.impact");
    assertThat(JSON.readTree(out.toFile()).has("KSampler")).isTrue();
  }

  @Test
  void aPackWhoseImportFailedFailsTheBuildNamingItsPin() throws Exception {
    CustomNodePins pins = CustomNodePins.parse("impact https://example.com/impact.git " + COMMIT + "\n"
        + "broken https://example.com/broken.git " + COMMIT);
    Path out = dir.resolve("object_info.json");

    assertThatThrownBy(() -> ImageCatalog.write(catalog(with("ImpactSwitch", "custom_nodes.impact")), pins, out))
        .isInstanceOf(ImageCatalog.IncompleteCatalogException.class)
        .hasMessage("pack broken (https://example.com/broken.git @ " + COMMIT
            + ") has no node: its import failed (ComfyUI's log above says why)");
    assertThat(out).doesNotExist();
  }

  @Test
  void aCatalogWithoutComfyUisCoreNodesIsNotRecorded() throws Exception {
    Path out = dir.resolve("object_info.json");

    assertThatThrownBy(() -> ImageCatalog.write(catalog("KSampler", "nodes"), CustomNodePins.parse(""), out))
        .isInstanceOf(ImageCatalog.IncompleteCatalogException.class)
        .hasMessage("core nodes missing: [CheckpointLoaderSimple, SaveImage]");
    assertThat(Files.exists(out)).isFalse();
  }
}
