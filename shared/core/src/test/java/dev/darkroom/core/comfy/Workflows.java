package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The sample workflows (test resources, see workflows/README.md) and a catalog that knows their models. */
final class Workflows {

  static final ObjectMapper JSON = new ObjectMapper();

  static final Map<String, List<String>> MODELS =
      Map.of(
          "checkpoints",
          List.of(
              "dreamshaper_8.safetensors",
              "flux1-schnell-fp8.safetensors",
              "sd_xl_base_1.0.safetensors",
              "sd_xl_refiner_1.0.safetensors"),
          "loras",
          List.of("detail.safetensors"),
          "input",
          List.of("example.png"));

  private Workflows() {}

  static NodeCatalog catalog() {
    return NodeCatalog.coreNodes(folder -> MODELS.getOrDefault(folder, List.of()));
  }

  static ObjectNode load(String name) {
    try (InputStream in = Workflows.class.getResourceAsStream("/workflows/" + name)) {
      return (ObjectNode) JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
