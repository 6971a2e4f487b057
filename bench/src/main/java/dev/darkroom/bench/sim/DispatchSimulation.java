package dev.darkroom.bench.sim;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.core.warm.WarmSchedule;
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
  /**
   * The idle budget the simulation gives the policy (Terraform's {@code warm_idle_budget_seconds} is
   * the operator's to set; off by default): above what the traffic rule spends on the day trace
   * (about 170,000), so that the rule is measured rather than the cap; the adversarial traces show
   * what a stop costs, and that it stays within it.
   */
  static final double DEFAULT_IDLE_BUDGET = 250_000;
  static final Trace.Mix MIX = new Trace.Mix(List.of(SD15, SDXL, FLUX), new double[] {0.6, 0.3, 0.1});

  @Option(names = "--cap", defaultValue = "10", description = "GPU instances at most (the L4 quota; default ${DEFAULT-VALUE}).")
  int cap;

  @Option(names = "--cold-start", defaultValue = "40", description = "Seconds from launch to a ready ComfyUI (default ${DEFAULT-VALUE}).")
  long coldStartSeconds;

  @Option(names = "--drain-idle", defaultValue = "60", description = "The runner's DRAIN_IDLE_SECONDS (default ${DEFAULT-VALUE}).")
  long drainIdleSeconds;

  @Option(names = "--idle-budget", defaultValue = "" + DEFAULT_IDLE_BUDGET,
      description = "The keep-warm policy's idle GPU-seconds per day (WARM_IDLE_BUDGET_SECONDS; default ${DEFAULT-VALUE}).")
  double idleBudget;

  @Option(names = "--warm-schedule", defaultValue = "",
      description = "The keep-warm policy's pinned schedule (WARM_SCHEDULE), e.g. '2 warm 09:00-18:00 Mon-Fri'; none by default.")
  String warmSchedule;

  @Option(names = "--wait-price", defaultValue = "" + KeepWarm.DEFAULT_SECONDS_PER_WAIT_SPARED,
      description = "The keep-warm policy's idle GPU-seconds worth sparing one prompt a wait (default ${DEFAULT-VALUE}).")
  double waitPrice;

  @Option(names = "--warm-grace", description = "The keep-warm policy's grace in seconds (WARM_GRACE_SECONDS; default 10).")
  Long warmGraceSeconds;

  @Option(names = "--quiet-window", description = "Minutes one task stays warm after the last prompt (default: the policy's).")
  Long quietWindowMinutes;

  @Option(names = "--recent-window", description = "Minutes of arrivals that size the warm set (default: the policy's).")
  Long recentWindowMinutes;

  @Option(names = "--trace", description = "Only this trace (steady, bursty, day, stop-start, holiday); all by default.")
  String onlyTrace;

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
        + " flux %s s / 20 s (10%%)%n", seconds(cost.modelLoadMillis(SD15)), seconds(cost.modelLoadMillis(SDXL)),
        seconds(cost.modelLoadMillis(FLUX)));
    out.printf(Locale.ROOT, "keep-warm: idle budget %.0f GPU-s per day, %.0f idle GPU-s per spared wait, grace %d s,"
        + " schedule '%s'%n%n", idleBudget, waitPrice, warmGraceSeconds != null ? warmGraceSeconds : KeepWarm.DEFAULT_GRACE.toSeconds(),
        warmSchedule);
    List<Trace> traces = List.of(
        Trace.steady(seed, MIX, 0.1, 2 * 3600),
        Trace.bursty(seed, MIX, 2.0, 60, 0.01, 600, 2 * 3600),
        Trace.daily(seed, MIX, 0.05, 0.8, 24 * 3600),
        Trace.stopStart(seed, MIX, 0.2, 120, 1800, 24 * 3600),
        Trace.holiday(seed, MIX, 0.05, 0.8, 9 * 3600, 24 * 3600));
    List<String> verdicts = new ArrayList<>();
    for (Trace trace : traces) {
      if (onlyTrace != null && !onlyTrace.equals(trace.name())) {
        continue;
      }
      List<SimResult> results = runAll(trace, cost);
      printTable(out, trace, results, cost);
      if (trace.name().equals("bursty")) {
        printTargets(out, results);
      }
      verdicts.add(keepWarmVerdict(trace, results));
    }
    out.println("issue 25 targets: GPU-s/image <= 0.8x one per prompt and p95 wait <= 2x the pool on every trace;"
        + " bursty no worse than darkroom (0.34x / 1.08x); stop-start and holiday (against the policy): idle within the budget (their cost and wait for information)");
    verdicts.forEach(out::println);
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
    KeepWarm.Settings defaults = KeepWarm.Settings.of(idleBudget, WarmSchedule.parse(warmSchedule),
        warmGraceSeconds != null ? Duration.ofSeconds(warmGraceSeconds) : KeepWarm.DEFAULT_GRACE);
    KeepWarm.Settings warm = new KeepWarm.Settings(defaults.idleBudgetSecondsPerDay(), defaults.schedule(),
        defaults.grace(),
        recentWindowMinutes != null ? Duration.ofMinutes(recentWindowMinutes) : defaults.recentWindow(),
        quietWindowMinutes != null ? Duration.ofMinutes(quietWindowMinutes) : defaults.quietWindow(), waitPrice);
    results.add(new TaskSimulation(new TaskSimulation.Settings(KEEP_WARM, cap, drainIdle, warm), cost, trace).run());
    return results;
  }

  static final String KEEP_WARM = "darkroom + keep-warm";

  /** The traces made against the policy, held to the budget alone. */
  static boolean adversarial(Trace trace) {
    return trace.name().equals("stop-start") || trace.name().equals("holiday");
  }

  /** Issue 25's targets for the keep-warm policy on one trace, as a line. */
  String keepWarmVerdict(Trace trace, List<SimResult> results) {
    SimResult policy = find(results, KEEP_WARM);
    SimResult onePerPrompt = find(results, "one per prompt");
    SimResult pool = find(results, "always-on pool");
    SimResult today = find(results, "darkroom");
    double cost = policy.gpuSecondsPerImage() / onePerPrompt.gpuSecondsPerImage();
    double wait = policy.waitSeconds(0.95) / pool.waitSeconds(0.95);
    // The adversarial trace is held to the budget alone; the three others to the cost and the wait.
    boolean met = adversarial(trace) || (cost <= 0.8 && wait <= 2.0);
    String line = String.format(Locale.ROOT, "  %-10s GPU-s/image %.2fx one per prompt, p95 wait %.2fx pool", trace.name(),
        cost, wait);
    if (trace.name().equals("bursty")) {
      double todayCost = today.gpuSecondsPerImage() / onePerPrompt.gpuSecondsPerImage();
      double todayWait = today.waitSeconds(0.95) / pool.waitSeconds(0.95);
      met &= cost <= todayCost + 0.005 && wait <= todayWait + 0.005;
      line += String.format(Locale.ROOT, " (darkroom %.2fx / %.2fx)", todayCost, todayWait);
    }
    if (adversarial(trace)) {
      double days = Math.ceil(trace.durationMillis() / 86_400_000.0);
      met &= policy.idleGpuSeconds() <= idleBudget * days;
      line += String.format(Locale.ROOT, ", idle %.0f GPU-s of a %.0f budget", policy.idleGpuSeconds(), idleBudget * days);
    }
    return line + (met ? ": met" : ": NOT met");
  }

  static void printTable(PrintStream out, Trace trace, List<SimResult> results, CostModel cost) {
    out.printf(Locale.ROOT, "trace %s: %d prompts over %.1f h%n", trace.name(), trace.arrivals().size(),
        trace.durationMillis() / 3_600_000.0);
    out.printf(Locale.ROOT, "| %-34s | %6s | %6s | %11s | %10s | %8s | %8s | %9s | %10s | %9s | %6s |%n",
        "policy", "images", "GPUs", "GPU-s/image", "idle GPU-s", "p50 wait", "p95 wait", "p95 done", "$ / 1k img",
        "loads/img", "load %");
    out.printf("|%s|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%s:|%n", "-".repeat(36), "-".repeat(7), "-".repeat(7),
        "-".repeat(12), "-".repeat(11), "-".repeat(9), "-".repeat(9), "-".repeat(10), "-".repeat(11), "-".repeat(10),
        "-".repeat(7));
    for (SimResult r : results) {
      out.printf(Locale.ROOT,
          "| %-34s | %6d | %6d | %11.1f | %10.0f | %7.1fs | %7.1fs | %8.1fs | %10.2f | %9.2f | %5.1f%% |%n",
          r.policy(), r.images(), r.tasks(), r.gpuSecondsPerImage(), r.idleGpuSeconds(), r.waitSeconds(0.5),
          r.waitSeconds(0.95), r.doneSeconds(0.95), r.dollarsPer1000Images(cost), r.modelLoadsPerImage(),
          100 * r.modelLoadShare());
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
