package dev.darkroom.bench.coldstart;

import dev.darkroom.bench.BenchReport;
import dev.darkroom.bench.Benchmark;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.emulators.ManagedProcess;
import dev.darkroom.gcp.CloudRunJobLauncher;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.FirestoreGpuPool;
import dev.darkroom.gcp.GoogleClients;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.local.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 25 item 3: a GPU task's start to its first claim, over the floor of its engine's own start.
 * <ul>
 *   <li><b>Ours</b>: the runner as a GPU task runs it (its shipped classpath, the deployed JVM
 *       options, a GPU slot lease as dispatch hands it), starting its own engine with
 *       {@code COMFYUI_COMMAND}, given a job that does not exist: from process start to its log line
 *       saying the job is not its to run, which it writes once its claim's transaction has answered;
 *   <li><b>Floor</b>: the same engine command started alone, until it answers {@code GET /queue}
 *       (asked every 5 ms): no task can claim before its engine is up.
 * </ul>
 * The engine is the simulated one with {@code --boot-ms} (5,000 by default,
 * {@code -Ddarkroom.claim.boot-ms}) standing in for ComfyUI's own start: Python importing PyTorch
 * and the node packs takes 5 to 15 s on a GPU task (DESIGN.md); the image pull before the process
 * starts is the platform's and not measured here. What is left over the floor is ours: the JVM, the
 * clients, the slot's first renewal, waiting for the engine, publishing the node catalog, the claim.
 * Runs alternate ours and the floor; the ratio is the median of the runs' ratios.
 */
public final class FirstClaimBench implements Benchmark {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String ABSENT_JOB = "claim-bench-absent";
  private static final String CLAIMED = "job " + ABSENT_JOB + " is not ours to run";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  @Override
  public String name() {
    return "claim";
  }

  @Override
  public void run(boolean quick, BenchReport report) throws Exception {
    long bootMs = Long.getLong("darkroom.claim.boot-ms", 5_000);
    int runs = quick ? 3 : 7;
    ShippedDeployable runner = ShippedDeployable.all(ColdStartBench.repositoryRoot()).stream()
        .filter(deployable -> deployable.name().equals("runner")).findFirst().orElseThrow();
    Path dataDir = Files.createTempDirectory("darkroom-claim-");
    System.out.printf("engine boot %d ms (simulated); %d runs, alternating with the engine alone%n", bootMs, runs);
    try (LocalStack stack = LocalStack.start(new LocalStack.Options("darkroom-claim", 0, dataDir,
        Duration.ofMillis(10), null));
        GoogleClients clients = new GoogleClients(GoogleCloudConfig.from(new Env(stack.functionEnvironment())))) {
      Map<String, String> env = new LinkedHashMap<>(stack.functionEnvironment());
      env.put("JAVA_TOOL_OPTIONS", ColdStartBench.DEPLOYED_JVM_OPTIONS);
      GpuPool pool = new FirestoreGpuPool(clients.firestore(), "gpuSlots",
          Integer.parseInt(env.getOrDefault("GPU_TASK_CAP", "1")));
      List<Double> ours = new ArrayList<>();
      List<Double> floor = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        Path engineData = Files.createDirectories(dataDir.resolve("engine-" + run));
        double oursMs;
        double floorMs;
        if (run % 2 == 0) {
          oursMs = runnerToFirstClaim(runner, env, pool, engineData, bootMs);
          floorMs = engineAlone(engineData, bootMs);
        } else {
          floorMs = engineAlone(engineData, bootMs);
          oursMs = runnerToFirstClaim(runner, env, pool, engineData, bootMs);
        }
        ours.add(oursMs);
        floor.add(floorMs);
        ratios.add(oursMs / floorMs);
        System.out.printf("run %d: first claim %.0f ms, engine alone %.0f ms, ours over it %.0f ms%n",
            run + 1, oursMs, floorMs, oursMs - floorMs);
      }
      double ratio = BenchReport.percentile(ratios, 0.5);
      double oursMedian = BenchReport.percentile(ours, 0.5);
      double floorMedian = BenchReport.percentile(floor, 0.5);
      System.out.printf("%-28s %10s %10s %7s%n", "", "ours ms", "floor ms", "ratio");
      System.out.printf("%-28s %10.0f %10.0f %7.2f%n", "task start to first claim", oursMedian, floorMedian, ratio);
      report.put("first_claim_ratio", ratio);
      report.put("first_claim_ms", oursMedian);
      report.put("first_claim_over_engine_ms", oursMedian - floorMedian);
    }
  }

  private double runnerToFirstClaim(ShippedDeployable runner, Map<String, String> env, GpuPool pool, Path engineData,
      long bootMs) {
    int port = ColdStartBench.freePort();
    GpuPool.Lease lease = pool.reserve(Instant.now(), Instant.now().plusSeconds(120))
        .orElseThrow(() -> new IllegalStateException("no free GPU slot for the runner"));
    Map<String, String> taskEnv = new LinkedHashMap<>(env);
    taskEnv.put("COMFYUI_COMMAND", engineCommand(port, engineData, bootMs));
    taskEnv.put("COMFYUI_URL", "http://127.0.0.1:" + port);
    taskEnv.put("DARKROOM_JOB_IDS", ABSENT_JOB);
    taskEnv.put("CLOUD_RUN_EXECUTION", "claim-bench");
    taskEnv.put("DRAIN_IDLE_SECONDS", "0");
    taskEnv.put(CloudRunJobLauncher.GPU_SLOT_VARIABLE, lease.token());
    long start = System.nanoTime();
    try (ManagedProcess process = ManagedProcess.start(runner.name(),
        List.of(ColdStartBench.java(), "-cp", runner.classpathString(), runner.entryPoint()), taskEnv, line -> { })) {
      process.awaitLine(line -> line.contains(CLAIMED), TIMEOUT);
      double millis = (System.nanoTime() - start) / 1e6;
      // Let it stop its engine and leave its slot, so that neither outlives the run.
      if (!process.waitFor(TIMEOUT)) {
        throw new IllegalStateException("the runner did not exit after its claim:\n" + process.tail());
      }
      return millis;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.release(lease);
    }
  }

  private double engineAlone(Path engineData, long bootMs) {
    int port = ColdStartBench.freePort();
    HttpRequest queue = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/queue"))
        .timeout(Duration.ofSeconds(5)).build();
    long start = System.nanoTime();
    try (ManagedProcess engine = ManagedProcess.start("engine",
        List.of("sh", "-c", "exec " + engineCommand(port, engineData, bootMs)), Map.of(), line -> { })) {
      long deadline = start + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        try {
          if (http.send(queue, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return (System.nanoTime() - start) / 1e6;
          }
        } catch (IOException notListeningYet) {
          // booting
        }
        if (!engine.isAlive()) {
          throw new IllegalStateException("the engine exited:\n" + engine.tail());
        }
        Thread.sleep(5);
      }
      throw new IllegalStateException("the engine did not answer within " + TIMEOUT + ":\n" + engine.tail());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The simulated engine, as COMFYUI_COMMAND runs ComfyUI in the image (through {@code sh -c exec}). */
  private static String engineCommand(int port, Path dataDir, long bootMs) {
    return ColdStartBench.java() + " -Djava.awt.headless=true"
        + " -Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider"
        + " -cp '" + System.getProperty("java.class.path") + "'"
        + " dev.darkroom.comfyui.sim.SimulatedComfyUIMain --port " + port + " --data-dir '" + dataDir + "'"
        + " --boot-ms " + bootMs;
  }
}
