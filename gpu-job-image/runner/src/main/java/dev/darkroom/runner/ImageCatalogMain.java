package dev.darkroom.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.runner.comfy.ComfyClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run by the image build, not by a task: starts the image's ComfyUI on the CPU and records its
 * {@code /object_info} ({@link ImageCatalog}), which Cloud Build publishes at deploy.
 * {@code ImageCatalogMain <custom-nodes.lock> <out.json> <ComfyUI URL> <ComfyUI command>}; exit 0
 * when written, 1 otherwise. Arguments, not the environment: this runs in no deployment.
 */
public final class ImageCatalogMain {
  private static final Logger log = LoggerFactory.getLogger(ImageCatalogMain.class);

  /** ComfyUI's CPU start imports torch and every pack: minutes on a busy build machine. */
  static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

  private ImageCatalogMain() {}

  public static void main(String[] args) {
    System.exit(record(args));
  }

  /** The process's exit code: 0 when the catalog is written, 1 otherwise (said in the log). */
  static int record(String[] args) {
    if (args.length != 4) {
      log.error("usage: ImageCatalogMain <custom-nodes.lock> <out.json> <ComfyUI URL> <ComfyUI command>");
      return 1;
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
      ImageCatalog.write(catalog, pins, Path.of(args[1]));
      log.info("recorded the image's node catalog: {} nodes, {} pinned pack(s), in {}", catalog.size(),
          pins.packs().size(), args[1]);
      return 0;
    } catch (IOException | CustomNodePins.MalformedException | EngineUnavailableException
        | ImageCatalog.IncompleteCatalogException e) {
      log.error("cannot record the image's node catalog: {}", e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
