package dev.darkroom.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The node catalog an image build records ({@link ImageCatalogMain}): written only if it is this
 * image's, with ComfyUI's core nodes and at least one node of every pinned pack (a pack whose import
 * failed has none: ComfyUI logs it and starts without it).
 */
final class ImageCatalog {
  /** Nodes every ComfyUI has: a catalog without them is not ComfyUI's. */
  static final List<String> CORE_NODES = List.of("KSampler", "CheckpointLoaderSimple", "SaveImage");

  private ImageCatalog() {}

  /** The catalog lacks what this image must have. */
  static final class IncompleteCatalogException extends Exception {
    IncompleteCatalogException(String message) {
      super(message);
    }
  }

  /** Writes {@code catalog} to {@code out} if it has the core nodes and at least one node of every pack. */
  static void write(ObjectNode catalog, CustomNodePins pins, Path out) throws IOException, IncompleteCatalogException {
    List<String> problems = new ArrayList<>();
    List<String> missingCore = CORE_NODES.stream().filter(node -> !catalog.has(node)).toList();
    if (!missingCore.isEmpty()) {
      problems.add("core nodes missing: " + missingCore);
    }
    Set<String> modules = new HashSet<>();
    catalog.elements().forEachRemaining(node -> modules.add(node.path("python_module").asText("")));
    for (CustomNodePins.Pack pack : pins.packs()) {
      if (!modules.contains(pack.pythonModule())) {
        problems.add("pack " + pack.folder() + " (" + pack.repository() + " @ " + pack.commit()
            + ") has no node: its import failed (ComfyUI's log above says why)");
      }
    }
    if (!problems.isEmpty()) {
      throw new IncompleteCatalogException(String.join("; ", problems));
    }
    Files.write(out, new ObjectMapper().writeValueAsBytes(catalog));
  }
}
