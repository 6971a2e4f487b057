package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;

/** What a simulated node may use while it runs. */
interface NodeContext {

  String nodeId();

  Duration stepTime();

  /**
   * Reports step {@code value} of {@code max}; throws {@link ProcessingInterrupted} on interrupt. A
   * sampler's steps come with a latent preview, as ComfyUI's do when started with
   * {@code --preview-method auto} (as the runner starts it).
   */
  void progress(int value, int max);

  /**
   * Reports step {@code value} of {@code max} with a full image that the client gets as a binary
   * PNG frame: ComfyUI's {@code pbar.update_absolute(step, total, ("PNG", image, None))}, which is
   * how {@code SaveImageWebsocket} sends its images.
   */
  void progress(int value, int max, java.awt.image.BufferedImage image);

  /** Waits one step (the configured step time), ending early with an exception on interrupt. */
  void step();

  /** Blocks until interrupted, then throws {@link ProcessingInterrupted}. */
  void hang();

  Path inputDir();

  Path outputDir();

  Path tempDir();

  ObjectNode prompt();

  /** {@code extra_data.extra_pnginfo}, or null. */
  JsonNode extraPngInfo();
}
