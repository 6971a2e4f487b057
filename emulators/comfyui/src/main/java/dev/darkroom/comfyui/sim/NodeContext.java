package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;

/** What a simulated node may use while it runs. */
interface NodeContext {

  String nodeId();

  Duration stepTime();

  /** Reports step {@code value} of {@code max}; throws {@link ProcessingInterrupted} on interrupt. */
  void progress(int value, int max);

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
