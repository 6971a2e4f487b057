package dev.darkroom.bench.sim;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs every policy on the same traces and prints, per trace, GPU-seconds per image, queue waits and
 * dollars per 1,000 images, then issue 7's two ratios on the bursty trace. The model and the
 * source of every number are in docs/DISPATCH_SIMULATION.md.
 */
@Command(name = "dispatch-simulation", mixinStandardHelpOptions = true,
    description = "Darkroom's dispatch and drain policy against one execution per prompt and an always-on pool.")
public final class DispatchSimulation implements Callable<Integer> {

  static final Workflow SD15 = new Workflow("sd1.5", "v1-5-pruned-emaonly.safetensors", 5_000, 2_000);
  static final Workflow SDXL = new Workflow("sdxl", "sd_xl_base_1.0.safetensors", 10_000, 8_000);
  static final Workflow FLUX = new Workflow("flux", "flux1-dev-fp8.safetensors", 20_000, 20_000);
  static final Trace.Mix MIX = new Trace.Mix(List.of(SD15, SDXL, FLUX), new double[] {0.6, 0.3, 0.1});

  @Option(names = "--cap", defaultValue = "10", description = "GPU instances at most (the L4 quota; default ${DEFAULT-VALUE}).")
  int cap;

  @Option(names = "--cold-start", defaultValue = "40", description = "Seconds from launch to a ready ComfyUI (default ${DEFAULT-VALUE}).")
  long coldStartSeconds;

  @Option(names = "--drain-idle", defaultValue = "60", description = "The runner's DRAIN_IDLE_SECONDS (default ${DEFAULT-VALUE}).")
  long drainIdleSeconds;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of the traces (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--model-load-scale", defaultValue = "1",
      description = "Multiplies every workflow's model load time: 2 = a models mount reading at half the"
          + " estimated speed, 0.5 = twice (default ${DEFAULT-VALUE}).")
  double modelLoadScale;

  @Override
  public Integer call() {
    CostModel cost = new CostModel(coldStartSeconds * 1000, CostModel.defaults().dispatchDelayMillis(),
        CostModel.defaults().dollarsPerInstanceSecond(), modelLoadScale);
    PrintStream out = System.out;
    out.printf(Locale.ROOT, "dispatch simulation: cap %d L4 instances, cold start %d s, drain idle %d s, seed %d,"
        + " $%.7f per instance-second%n", cap, coldStartSeconds, drainIdleSeconds, seed, cost.dollarsPerInstanceSecond());
    out.printf(Locale.ROOT, "workflows (model load / image): sd1.5 %s s / 2 s (60%%), sdxl %s s / 8 s (30%%),"
        + " flux %s s / 20 s (10%%)%n%n", seconds(cost.modelLoadMillis(SD15)), seconds(cost.modelLoadMillis(SDXL)),
        seconds(cost.modelLoadMillis(FLUX)));
    List<Trace> traces = List.of(
        Trace.steady(seed, MIX, 0.1, 2 * 3600),
        Trace.bursty(seed, MIX, 2.0, 60, 0.01, 600, 2 * 3600),
        Trace.daily(seed, MIX, 0.05, 0.8, 24 * 3600));
    for (Trace trace : traces) {
      List<SimResult> results = runAll(trace, cost);
      printTable(out, trace, results, cost);
      if (trace.name().equals("bursty")) {
        printTargets(out, results);
      }
    }
    return 0;
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
  }

  List<SimResult> runAll(Trace trace, CostModel cost) {
    long drainIdle = drainIdleSeconds * 1000;
    List<SimResult> results = new ArrayList<>();
    results.add(new TaskSimulation(new TaskSimulation.Settings("one per prompt", cap, 0), cost, trace).run());
    results.add(new PoolSimulation(cap, cost, trace).run());
    results.add(new TaskSimulation(new TaskSimulation.Settings("darkroom", cap, drainIdle), cost, trace).run());
    return results;
  }

  static void printTable(PrintStream out, Trace trace, List<SimResult> results, CostModel cost) {
    out.printf(Locale.ROOT, "trace %s: %d prompts over %.1f h%n", trace.name(), trace.arrivals().size(),
        trace.durationMillis() / 3_600_000.0);
    out.printf(Locale.ROOT, "| %-34s | %6s | %6s | %11s | %8s | %8s | %9s | %10s | %9s | %6s |%n",
        "policy", "images", "GPUs", "GPU-s/image", "p50 wait", "p95 wait", "p95 done", "$ / 1k img", "loads/img",
        "load %");
    out.printf("|%s|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%n", "-".repeat(36), "-".repeat(7), "-".repeat(7),
        "-".repeat(12), "-".repeat(9), "-".repeat(9), "-".repeat(10), "-".repeat(11), "-".repeat(10), "-".repeat(7));
    for (SimResult r : results) {
      out.printf(Locale.ROOT, "| %-34s | %6d | %6d | %11.1f | %7.1fs | %7.1fs | %8.1fs | %10.2f | %9.2f | %5.1f%% |%n",
          r.policy(), r.images(), r.tasks(), r.gpuSecondsPerImage(), r.waitSeconds(0.5), r.waitSeconds(0.95),
          r.doneSeconds(0.95), r.dollarsPer1000Images(cost), r.modelLoadsPerImage(), 100 * r.modelLoadShare());
    }
    out.println();
  }

  static void printTargets(PrintStream out, List<SimResult> results) {
    SimResult onePerPrompt = find(results, "one per prompt");
    SimResult pool = find(results, "always-on pool");
    out.println("issue 7 targets on the bursty trace: GPU-s/image <= 0.6x one per prompt; p95 wait <= 1.1x the pool");
    for (SimResult r : results) {
      if (r == onePerPrompt || r == pool) {
        continue;
      }
      double cost = r.gpuSecondsPerImage() / onePerPrompt.gpuSecondsPerImage();
      double wait = r.waitSeconds(0.95) / pool.waitSeconds(0.95);
      out.printf(Locale.ROOT, "  %-34s GPU-s/image %.2fx one per prompt (%s), p95 wait %.2fx pool (%s)%n",
          r.policy(), cost, cost <= 0.6 ? "met" : "NOT met", wait, wait <= 1.1 ? "met" : "NOT met");
    }
    out.println();
  }

  private static SimResult find(List<SimResult> results, String policy) {
    return results.stream().filter(r -> r.policy().equals(policy)).findFirst().orElseThrow();
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new DispatchSimulation()).execute(args));
  }
}
