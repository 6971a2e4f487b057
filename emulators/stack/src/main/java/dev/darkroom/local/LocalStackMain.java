package dev.darkroom.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./darkroom up}: the whole system on this machine, until Ctrl-C. */
@Command(name = "darkroom up", mixinStandardHelpOptions = true,
    description = "Starts Darkroom locally and serves ComfyUI's API on 127.0.0.1.")
public final class LocalStackMain implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8188", description = "Port on 127.0.0.1 for ComfyUI's API and /ws (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", defaultValue = ".darkroom", description = "State and logs (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--project", defaultValue = "darkroom-local", description = "Project id (default: ${DEFAULT-VALUE}).")
  String projectId;

  @Option(names = "--step-ms", defaultValue = "40", description = "Simulated engine: milliseconds per sampler step (default: ${DEFAULT-VALUE}).")
  long stepMillis;

  @Option(names = "--comfyui-url", defaultValue = "${env:COMFYUI_URL}",
      description = "Drive this real ComfyUI instead of the simulated engine (default: $$COMFYUI_URL).")
  String comfyUiUrl;

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    CountDownLatch stopped = new CountDownLatch(1);
    LocalStack stack = LocalStack.start(new LocalStack.Options(
        projectId, port, dataDir, Duration.ofMillis(stepMillis), blankToNull(comfyUiUrl)).asUp());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("darkroom: stopping every process it started...");
      stack.close();
      stopped.countDown();
    }, "darkroom-up-shutdown"));
    System.out.printf("""

        Darkroom is running locally (started in %.1f s).
          ComfyUI API  %s   (and its /ws; 127.0.0.1 only; ComfyUI clients work unchanged)
          Console      %s/   (run workflows, jobs, gallery, keys, webhooks, API reference)
          Engine       %s
          Auth         OFF: every request acts as the user 'local' (DARKROOM_AUTH=off). Loopback only.
          Cloud        emulated on this machine: Firestore, Pub/Sub, Cloud Storage, Cloud Run Jobs, Eventarc
          Mail         %s on 127.0.0.1:%d; each mail is kept as a .eml file in %s
          Run topic    %s on the Pub/Sub emulator (export PUBSUB_EMULATOR_HOST=%s): a deployment run
                       published there runs as 'local'; replies on %s (docs/DEPLOYMENTS.md)
          Logs         %s
        Ctrl-C stops everything.
        %n""",
        (System.nanoTime() - started) / 1e9,
        stack.apiUrl(),
        stack.apiUrl(),
        stack.simulatedEngine()
            ? "SIMULATED ComfyUI engine at " + stack.comfyUiUrl() + " (CPU, procedural images; not real ComfyUI)"
            : "ComfyUI at " + stack.comfyUiUrl(),
        LocalMailSink.LABEL, stack.mail().port(), stack.mail().directory(),
        LocalStack.RUNS_LOCAL, stack.cloud().pubSub().orElseThrow().hostPort(), LocalStack.RUNS_LOCAL_REPLIES,
        dataDir.resolve("logs").toAbsolutePath());
    System.out.flush();
    stopped.await();
    return 0;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LocalStackMain()).execute(args));
  }
}
