package dev.darkroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private static Job job(String status, Integer position) {
    return new Job("j1", status, position, null, List.of(), null);
  }

  @Test
  void plainLinesShowEachStatusOnceAndEveryStep() {
    try (ProgressDisplay display = ProgressDisplay.on(out, false)) {
      display.status(job("queued", 2));
      display.status(job("queued", 2));
      display.status(job("queued", 1));
      display.status(job("running", null));
      display.progress("4 CheckpointLoaderSimple", 0, 0);
      display.progress("3 KSampler", 1, 3);
      display.progress("3 KSampler", 3, 3);
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("job j1 queued (position 2)",
        "job j1 queued (position 1)", "job j1 running", "node 4 CheckpointLoaderSimple", "node 3 KSampler: step 1/3 (33%)",
        "node 3 KSampler: step 3/3 (100%)");
  }

  @Test
  void onATerminalEachNodeGetsABarWithItsStepAndPercent() {
    try (ProgressDisplay display = ProgressDisplay.on(new PrintStream(bytes, true, StandardCharsets.UTF_8), true)) {
      display.status(job("running", null));
      display.progress("4 CheckpointLoaderSimple", 0, 0);
      display.progress("3 KSampler", 10, 20);
      display.progress("3 KSampler", 20, 20);
      display.progress("8 VAEDecode", 1, 4);
    }
    String shown = bytes.toString(StandardCharsets.UTF_8);
    assertThat(shown).contains("job j1 running", "node 4 CheckpointLoaderSimple\n", "node 3 KSampler", "20/20", "100%", "node 8 VAEDecode", "1/4", "25%");
  }
}
