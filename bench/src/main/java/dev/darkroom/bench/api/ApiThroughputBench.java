package dev.darkroom.bench.api;

import dev.darkroom.bench.BenchReport;
import dev.darkroom.bench.Benchmark;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * P2, throughput: {@code POST /prompt} and {@code GET /history/{id}} requests per second with 8 and
 * 32 callers at once (authentication off), against the floor's own throughput at the same
 * concurrency (a Firestore create + Pub/Sub publish; a Firestore document get). Each cell runs in
 * two halves, ours-floor then floor-ours, so that drift in the machine's load hits both.
 */
public final class ApiThroughputBench implements Benchmark {
  private static final int[] CONCURRENCY = {8, 32};
  /** Jobs each side reads from in the history route, chosen at random per request. */
  private static final int READ_SET = 20;

  @Override
  public String name() {
    return "p2";
  }

  @Override
  public void run(boolean quick, BenchReport report) throws Exception {
    Duration half = Duration.ofMillis(quick ? 1_500 : 10_000);
    BenchStack.ApiPair subjects = BenchStack.shared().apiPair();
    ApiCalls api = subjects.authOff();
    Floor floor = subjects.floor();
    List<String> ourJobs = new ArrayList<>();
    List<String> floorJobs = new ArrayList<>();
    for (int i = 0; i < READ_SET; i++) {
      ourJobs.add(api.submit());
      floorJobs.add(floor.submit());
    }
    List<Route> routes = List.of(
        new Route("submit", "POST /prompt", api::submit, floor::submit),
        new Route("history_id", "GET /history/{id}",
            () -> api.get("/history/" + pick(ourJobs)), () -> floor.read(pick(floorJobs))));

    System.out.printf("requests per second, authentication off, %.0f s per side per cell (two halves each)%n",
        2 * half.toMillis() / 1000.0);
    System.out.printf("%-18s %5s %10s %10s %7s %8s%n", "route", "conc.", "ours/s", "floor/s", "ratio", "errors");
    double lowest = Double.MAX_VALUE;
    for (Route route : routes) {
      for (int concurrency : CONCURRENCY) {
        // Unmeasured: the first seconds at a new concurrency open connections and grow pools.
        rate(route.ours(), concurrency, Duration.ofMillis(500));
        rate(route.floor(), concurrency, Duration.ofMillis(500));
        Rate ours1 = rate(route.ours(), concurrency, half);
        Rate floor1 = rate(route.floor(), concurrency, half);
        Rate floor2 = rate(route.floor(), concurrency, half);
        Rate ours2 = rate(route.ours(), concurrency, half);
        Rate ours = ours1.plus(ours2);
        Rate base = floor1.plus(floor2);
        double ratio = ours.perSecond() / base.perSecond();
        lowest = Math.min(lowest, ratio);
        System.out.printf("%-18s %5d %10.1f %10.1f %6.2fx %8s%n", route.label(), concurrency, ours.perSecond(),
            base.perSecond(), ratio, ours.failed() + "/" + base.failed());
        String key = route.key() + "_c" + concurrency;
        report.putIn("p2_throughput_rps", key + "_ours", ours.perSecond());
        report.putIn("p2_throughput_rps", key + "_floor", base.perSecond());
        report.putIn("p2_throughput_ratios", key, ratio);
      }
    }
    report.put("p2_throughput_ratio", lowest);
    System.out.printf("lowest ratio: %.2fx (errors: ours/floor requests that failed; they do not count as served)%n",
        lowest);
  }

  private static String pick(List<String> ids) {
    return ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
  }

  /** {@code callers} threads calling back to back for {@code duration}: the calls that succeeded per second. */
  static Rate rate(ApiSubmitBench.Call call, int callers, Duration duration) throws InterruptedException {
    AtomicLong served = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      Thread thread = new Thread(() -> {
        while (System.nanoTime() < deadline) {
          try {
            call.call();
            served.incrementAndGet();
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      }, "p2-caller-" + i);
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return new Rate(served.get(), failed.get(), (System.nanoTime() - start) / 1e9);
  }

  record Route(String key, String label, ApiSubmitBench.Call ours, ApiSubmitBench.Call floor) {}

  record Rate(long served, long failed, double seconds) {
    double perSecond() {
      return served / seconds;
    }

    Rate plus(Rate other) {
      return new Rate(served + other.served, failed + other.failed, seconds + other.seconds);
    }
  }
}
