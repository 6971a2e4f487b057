package dev.darkroom.bench.api;

import dev.darkroom.bench.BenchReport;
import dev.darkroom.bench.Benchmark;
import java.util.ArrayList;
import java.util.List;

/**
 * P1, submit latency: {@code POST /prompt} through the api function on its host, against the
 * floor (one Firestore create and one Pub/Sub publish with the same clients on the same
 * emulators), alternated request by request so that noise hits both. Once with authentication
 * off, once on with an API key. Sequential requests: latency, not load.
 */
public final class ApiSubmitBench implements Benchmark {

  @Override
  public String name() {
    return "p1";
  }

  @Override
  public void run(boolean quick, BenchReport report) throws Exception {
    int warmup = quick ? 30 : 100;
    int samples = quick ? 80 : 400;
    BenchStack.ApiPair subjects = BenchStack.shared().apiPair();
    System.out.printf("POST /prompt (sd1.5-txt2img), %d requests per side after %d warm-up, alternating with the floor%n",
        samples, warmup);
    System.out.printf("%-22s %9s %9s %9s %9s %7s%n", "", "ours p50", "ours p95", "floor p50", "floor p95", "ratio");
    measure("auth off", subjects.authOff(), subjects.floor(), warmup, samples, report, "");
    measure("auth on (API key)", subjects.authOn(), subjects.floor(), warmup, samples, report, "_auth");
  }

  private static void measure(String label, ApiCalls api, Floor floor, int warmup, int samples, BenchReport report,
      String suffix) throws Exception {
    List<Double> ours = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    for (int i = 0; i < warmup + samples; i++) {
      // Which goes first alternates too, so neither always follows the other's cache warming.
      double a;
      double b;
      if (i % 2 == 0) {
        a = timeMs(api::submit);
        b = timeMs(floor::submit);
      } else {
        b = timeMs(floor::submit);
        a = timeMs(api::submit);
      }
      if (i >= warmup) {
        ours.add(a);
        base.add(b);
      }
    }
    double ours50 = BenchReport.percentile(ours, 0.5);
    double base50 = BenchReport.percentile(base, 0.5);
    double ratio = ours50 / base50;
    System.out.printf("%-22s %9.2f %9.2f %9.2f %9.2f %6.2fx%n", label, ours50, BenchReport.percentile(ours, 0.95),
        base50, BenchReport.percentile(base, 0.95), ratio);
    report.put("p1_submit_ratio" + suffix, ratio);
    report.putIn("p1_submit_ms", "ours" + suffix + "_p50", ours50);
    report.putIn("p1_submit_ms", "ours" + suffix + "_p95", BenchReport.percentile(ours, 0.95));
    report.putIn("p1_submit_ms", "floor" + suffix + "_p50", base50);
    report.putIn("p1_submit_ms", "floor" + suffix + "_p95", BenchReport.percentile(base, 0.95));
  }

  interface Call {
    void call() throws Exception;
  }

  static double timeMs(Call call) throws Exception {
    long start = System.nanoTime();
    call.call();
    return (System.nanoTime() - start) / 1e6;
  }
}
