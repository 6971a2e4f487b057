package dev.darkroom.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.comfyui.sim.SimulatedComfyUI;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.runner.Retries;
import dev.darkroom.runner.Runner;
import dev.darkroom.runner.TaskShare;
import dev.darkroom.runner.comfy.ComfyClient;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobQueue;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The runner's own cost per prompt (claim, submit, follow, upload, report) against a bare client
 * doing the same prompt on the same simulated engine in the same run. The two alternate prompt by
 * prompt, so machine noise hits both alike. Ports are in memory: this measures the runner's
 * protocol handling, not Firestore or Cloud Storage latency.
 */
@Command(name = "runner-overhead", mixinStandardHelpOptions = true)
public final class RunnerOverheadBench implements Callable<Integer>, Benchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--prompts", defaultValue = "60", description = "Measured prompts per side (default ${DEFAULT-VALUE}).")
  int prompts = 60;

  @Option(names = "--warmup", defaultValue = "15", description = "Unmeasured prompts per side first (default ${DEFAULT-VALUE}).")
  int warmup = 15;

  @Override
  public String name() {
    return "runner";
  }

  @Override
  public void run(boolean quick, BenchReport report) throws Exception {
    if (quick) {
      prompts = Math.min(prompts, 30);
      warmup = Math.min(warmup, 10);
    }
    measure(report);
  }

  @Override
  public Integer call() throws Exception {
    measure(new BenchReport());
    return 0;
  }

  private void measure(BenchReport figures) throws Exception {
    ObjectNode workflow;
    try (InputStream in = RunnerOverheadBench.class.getResourceAsStream("/sd1.5-txt2img.json")) {
      workflow = (ObjectNode) JSON.readTree(in);
    }
    Path dir = Files.createTempDirectory("darkroom-bench");
    try (SimulatedComfyUI engine = SimulatedComfyUI.start(
        SimulatedComfyUI.Config.defaults(dir).withStepTime(Duration.ZERO))) {
      BareComfyClient bare = new BareComfyClient(engine.baseUrl());
      RunnerSide runner = new RunnerSide(engine.baseUrl());
      List<Long> bareNanos = new ArrayList<>();
      List<Long> runnerNanos = new ArrayList<>();
      for (int i = 0; i < warmup + prompts; i++) {
        // A new seed each time: ComfyUI caches unchanged nodes, and a cached prompt costs nothing.
        ObjectNode bareWorkflow = withSeed(workflow, 2L * i);
        ObjectNode runnerWorkflow = withSeed(workflow, 2L * i + 1);
        long t0 = System.nanoTime();
        bare.run(bareWorkflow);
        long t1 = System.nanoTime();
        runner.run(runnerWorkflow);
        long t2 = System.nanoTime();
        if (i >= warmup) {
          bareNanos.add(t1 - t0);
          runnerNanos.add(t2 - t1);
        }
      }
      report(bareNanos, runnerNanos, figures);
    }
  }

  private static ObjectNode withSeed(ObjectNode workflow, long seed) {
    ObjectNode copy = workflow.deepCopy();
    ((ObjectNode) copy.path("3").path("inputs")).put("seed", seed);
    return copy;
  }

  private void report(List<Long> bare, List<Long> runner, BenchReport figures) {
    List<Long> differences = new ArrayList<>();
    for (int i = 0; i < bare.size(); i++) {
      differences.add(runner.get(i) - bare.get(i));
    }
    double bareMedian = median(bare) / 1e6;
    double runnerMedian = median(runner) / 1e6;
    System.out.printf("""
        runner overhead per prompt: sd1.5-txt2img on the SIMULATED engine (0 ms per step), %d prompts per side after %d warm-up
                        median ms   mean ms    p90 ms    max ms
          bare client   %9.2f %9.2f %9.2f %9.2f
          runner        %9.2f %9.2f %9.2f %9.2f
          ratio runner/bare (medians): %.2f
          runner overhead (median of paired differences): %.2f ms per prompt (target < 50 ms)
        %n""",
        prompts, warmup,
        bareMedian, mean(bare) / 1e6, percentile(bare, 0.9) / 1e6, percentile(bare, 1.0) / 1e6,
        runnerMedian, mean(runner) / 1e6, percentile(runner, 0.9) / 1e6, percentile(runner, 1.0) / 1e6,
        runnerMedian / bareMedian,
        median(differences) / 1e6);
    figures.put("runner_overhead_ratio", runnerMedian / bareMedian);
    figures.put("runner_overhead_ms", median(differences) / 1e6);
  }

  private static double median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }

  private static double percentile(List<Long> values, double p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
  }

  private static double mean(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
  }

  /** The production runner and ComfyClient over in-memory ports, one dispatched job per prompt. */
  private static final class RunnerSide {
    private final InMemoryJobStore jobs = new InMemoryJobStore();
    private final RecordingJobEventPublisher events = new RecordingJobEventPublisher();
    private final InMemoryOutputStore outputs = new InMemoryOutputStore();
    private final Runner runner;

    RunnerSide(String base) {
      Clock clock = Clock.systemUTC();
      runner = new Runner(jobs, new RecordingJobQueue(),
          new ComfyClient(ComfyClient.Settings.defaults(URI.create(base), Duration.ofMinutes(1)), new ObjectMapper()),
          events, outputs, clock, Retries.standard(),
          new Runner.Settings("bench-execution", TaskShare.whole(), Duration.ofSeconds(30)));
    }

    void run(ObjectNode prompt) {
      String id = UUID.randomUUID().toString();
      Job job = Job.queued(id, "bench", 1, prompt, JSON.createObjectNode(), null, java.time.Instant.now())
          .withStatus(JobStatus.DISPATCHED, java.time.Instant.now());
      jobs.update(id, current -> Outcome.write(job, null));
      int code = runner.run(List.of(id));
      JobEvent last = events.published.get(events.published.size() - 1);
      if (code != Runner.EXIT_OK || !(last instanceof JobEvent.Succeeded succeeded) || !last.jobId().equals(id)
          || succeeded.outputs().isEmpty()) {
        throw new IllegalStateException("runner did not succeed on job " + id + ": exit " + code + ", last event " + last);
      }
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new RunnerOverheadBench()).execute(args));
  }
}
