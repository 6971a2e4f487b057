package dev.darkroom.bench;

import dev.darkroom.bench.api.ApiSubmitBench;
import dev.darkroom.bench.api.ApiThroughputBench;
import dev.darkroom.bench.api.ClientTracingBench;
import dev.darkroom.bench.api.RoundTripsBench;
import dev.darkroom.bench.coldstart.ColdStartBench;
import dev.darkroom.bench.coldstart.FirstClaimBench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./darkroom bench}: every benchmark in turn, each printing its figures as ratios against a
 * baseline measured in the same run, and with {@code --json FILE} all of them in one JSON object.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: each figure is a ratio against a baseline measured in the same run.")
public final class AllBenchmarks implements Callable<Integer> {

  @Option(names = "--quick", description = "Fewer samples: all benchmarks in under ten minutes.")
  boolean quick;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures to FILE as one JSON object.")
  Path json;

  @Option(names = "--only", split = ",", paramLabel = "NAME",
      description = "Only these benchmarks (default: all): ${COMPLETION-CANDIDATES}.")
  Set<String> only;

  /** Every benchmark, in the order they run. */
  static List<Benchmark> all() {
    List<Benchmark> all = new ArrayList<>();
    all.add(new RunnerOverheadBench());
    all.add(new ApiSubmitBench());
    all.add(new ApiThroughputBench());
    all.add(new RoundTripsBench());
    all.add(new ClientTracingBench());
    all.add(new ColdStartBench());
    all.add(new FirstClaimBench());
    all.add(new LocalStackBench());
    return all;
  }

  @Override
  public Integer call() throws Exception {
    BenchReport report = new BenchReport();
    List<String> failed = new ArrayList<>();
    for (Benchmark benchmark : all()) {
      if (only != null && !only.contains(benchmark.name())) {
        continue;
      }
      System.out.printf("%n== %s%s ==%n", benchmark.name(), quick ? " (quick)" : "");
      try {
        benchmark.run(quick, report);
      } catch (Exception | AssertionError e) {
        // One broken benchmark must not hide the others' figures; the run still fails at the end.
        failed.add(benchmark.name());
        e.printStackTrace();
      }
    }
    if (json != null) {
      report.write(json);
      System.out.println("figures written to " + json.toAbsolutePath());
    }
    if (!failed.isEmpty()) {
      System.err.println("benchmarks that failed: " + failed);
      return 1;
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new AllBenchmarks()).execute(args));
  }
}
