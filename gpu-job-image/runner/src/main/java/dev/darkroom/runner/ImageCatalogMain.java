package dev.darkroom.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.runner.comfy.ComfyClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run by the image build, not by a task: starts the image's ComfyUI on the CPU, writes its
 * {@code /object_info} to a file, and fails if the catalog is not that of this image: core nodes
 * missing, or a pack of {@code custom-nodes.lock} with no node (ComfyUI logs a pack whose import
 * failed and starts without it). Cloud Build publishes the file as the node catalog at deploy.
 *
 * <p>{@code ImageCatalogMain <custom-nodes.lock> <out.json> <ComfyUI URL> <ComfyUI command>}; exit 0
 * when the file is written, 1 otherwise. Arguments, not the environment: this runs in no deployment.
 */
public final class ImageCatalogMain {
  private static final Logger log = LoggerFactory.getLogger(ImageCatalogMain.class);

  /** ComfyUI's CPU start imports torch and every pack: minutes on a busy build machine. */
  static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
  /** Nodes every ComfyUI has: a catalog without them is not ComfyUI's. */
  static final List<String> CORE_NODES = List.of("KSampler", "CheckpointLoaderSimple", "SaveImage");

  private ImageCatalogMain() {}

  public static void main(String[] args) {
    if (args.length != 4) {
      log.error("usage: ImageCatalogMain <custom-nodes.lock> <out.json> <ComfyUI URL> <ComfyUI command>");
      System.exit(1);
      return;
    }
    try {
      CustomNodePins pins = CustomNodePins.read(Path.of(args[0]));
      PromptEngine engine = new ComfyClient(ComfyClient.Settings.defaults(URI.create(args[2]), READY_TIMEOUT),
          new ObjectMapper());
      ObjectNode catalog;
      try (ComfyUiProcess comfyUi = ComfyUiProcess.start(args[3], Map.of())) {
        EngineStartup.awaitReady(engine, comfyUi, READY_TIMEOUT);
        catalog = engine.objectInfo();
      }
      write(catalog, pins, Path.of(args[1]));
      log.info("recorded the image's node catalog: {} nodes, {} pinned pack(s), in {}", catalog.size(),
          pins.packs().size(), args[1]);
    } catch (IOException | CustomNodePins.MalformedException | EngineUnavailableException
        | IncompleteCatalogException e) {
      log.error("cannot record the image's node catalog: {}", e.getMessage());
      System.exit(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(1);
    }
  }

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
