package dev.darkroom.bench.api;

import dev.darkroom.bench.BenchReport;
import dev.darkroom.bench.Benchmark;
import dev.darkroom.bench.coldstart.ColdStartBench;
import dev.darkroom.emulators.ManagedProcess;
import dev.darkroom.local.ChildJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Firestore client's tracing, which every deployable turns off ({@code FIRESTORE_ENABLE_TRACING=off},
 * Terraform's {@code locals.firestore_tracing}): the client's own CPU per document get with it off,
 * against the same with it on (the library's default), in processes of their own with the deployed
 * JVM options ({@link FirestoreClientCpu}), alternating, against the bench stack's Firestore
 * emulator. Key: {@code firestore_tracing_off_ratio} (median off over median on; under 1 pays).
 */
public final class ClientTracingBench implements Benchmark {
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final int THREADS = 8;

  @Override
  public String name() {
    return "tracing";
  }

  @Override
  public void run(boolean quick, BenchReport report) throws Exception {
    int pairs = quick ? 4 : 7;
    int gets = quick ? 20_000 : 40_000;
    String host = BenchStack.shared().firestoreHost();
    List<Double> off = new ArrayList<>();
    List<Double> on = new ArrayList<>();
    System.out.printf("Firestore client CPU per document get, %d gets by %d threads per process, %d pairs%n", gets,
        THREADS, pairs);
    // Unmeasured: the emulator's own warm-up would otherwise land on the first process.
    cpuPerGet(host, gets, "on");
    for (int pair = 0; pair < pairs; pair++) {
      // Each pair in turn starts with the other setting, so that drift hits both.
      for (String setting : pair % 2 == 0 ? List.of("off", "on") : List.of("on", "off")) {
        double ms = cpuPerGet(host, gets, setting);
        (setting.equals("off") ? off : on).add(ms);
        System.out.printf("  tracing %-3s %.4f ms%n", setting, ms);
      }
    }
    double offMedian = BenchReport.percentile(off, 0.5);
    double onMedian = BenchReport.percentile(on, 0.5);
    double ratio = offMedian / onMedian;
    System.out.printf("median: off %.4f ms, on %.4f ms, off/on %.2fx%n", offMedian, onMedian, ratio);
    report.put("firestore_tracing_off_ratio", ratio);
    report.putIn("firestore_client_cpu_ms_per_get", "tracing_off", offMedian);
    report.putIn("firestore_client_cpu_ms_per_get", "tracing_on", onMedian);
  }

  private static double cpuPerGet(String host, int gets, String tracing) throws InterruptedException {
    List<String> command = ChildJvm.command(Arrays.asList(ColdStartBench.DEPLOYED_JVM_OPTIONS.split(" ")),
        FirestoreClientCpu.class.getName(),
        List.of(host, BenchStack.PROJECT, Integer.toString(gets), Integer.toString(THREADS)));
    try (ManagedProcess client = ManagedProcess.start("firestore-client-" + tracing, command,
        Map.of("FIRESTORE_ENABLE_TRACING", tracing), line -> { })) {
      String result = client.awaitLine(line -> line.startsWith(FirestoreClientCpu.RESULT), TIMEOUT);
      client.waitFor(TIMEOUT);
      return Double.parseDouble(result.substring(FirestoreClientCpu.RESULT.length()).strip());
    }
  }
}
