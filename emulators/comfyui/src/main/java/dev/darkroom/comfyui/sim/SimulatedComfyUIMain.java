package dev.darkroom.comfyui.sim;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the simulated engine standalone until killed. */
@Command(
    name = "darkroom-comfyui-sim",
    mixinStandardHelpOptions = true,
    description = "A simulated ComfyUI engine (ComfyUI's protocol, procedural images stamped SIMULATED). Not ComfyUI.")
public final class SimulatedComfyUIMain implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8188", description = "Port on 127.0.0.1 (0: any free port).")
  int port;

  @Option(names = "--data-dir", defaultValue = "comfyui-sim-data", description = "Holds input/, output/, temp/.")
  Path dataDir;

  @Option(names = "--step-ms", defaultValue = "20", description = "Milliseconds per sampler step.")
  long stepMs;

  @Option(
      names = "--model",
      description = "folder=file, repeatable (e.g. checkpoints=my.safetensors); replaces the sample list for that folder.")
  List<String> models = List.of();

  @Option(names = "--max-upload-size", defaultValue = "100", description = "Body limit in MB, as ComfyUI's flag.")
  long maxUploadMb;

  @Option(
      names = "--boot-ms",
      defaultValue = "0",
      description = "Milliseconds before it listens, standing in for ComfyUI's own start (Python importing PyTorch and"
          + " the node packs), for measuring what a GPU task does while its engine boots.")
  long bootMs;

  @Option(names = "--halt-on-kill", description = "POST /darkroom/faults {\"kill\":true} halts the JVM at once (exit 137).")
  boolean haltOnKill;

  public static void main(String[] args) {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.eclipse.jetty")).setLevel(Level.WARN);
    System.exit(new CommandLine(new SimulatedComfyUIMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    Map<String, List<String>> modelLists = new LinkedHashMap<>(SimulatedComfyUI.Config.SAMPLE_MODELS);
    Map<String, List<String>> given = new LinkedHashMap<>();
    for (String m : models) {
      int eq = m.indexOf('=');
      if (eq <= 0) throw new CommandLine.ParameterException(new CommandLine(this), "--model wants folder=file: " + m);
      given.computeIfAbsent(m.substring(0, eq), k -> new java.util.ArrayList<>()).add(m.substring(eq + 1));
    }
    modelLists.putAll(given);
    SimulatedComfyUI.Config config =
        new SimulatedComfyUI.Config(port, dataDir, Duration.ofMillis(stepMs), modelLists, maxUploadMb * 1024 * 1024);
    Thread.sleep(bootMs);
    SimulatedComfyUI engine = SimulatedComfyUI.start(config);
    if (haltOnKill) engine.onKillRequest(() -> Runtime.getRuntime().halt(137));
    System.out.println("Darkroom SIMULATED ComfyUI engine (not ComfyUI: no model runs, images are procedural)");
    System.out.println("listening on " + engine.baseUrl() + "  data: " + dataDir.toAbsolutePath());
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(engine::close));
    forever.await();
    return 0;
  }
}
