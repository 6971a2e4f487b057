package dev.darkroom.bench.api;

import dev.darkroom.bench.BenchReport;
import dev.darkroom.bench.Benchmark;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * P2, throughput: {@code POST /prompt} and {@code GET /history/{id}} requests per second with 8 and
 * 32 callers at once (authentication off), against the floor's own throughput at the same
 * concurrency (a Firestore create + Pub/Sub publish; a Firestore document get). Each cell runs in
 * two halves, ours-floor then floor-ours, so that drift in the machine's load hits both. Beside
 * each rate, the CPU each process spent per request ({@link ProcessCpu}): on a shared machine the
 * rates move with other work, the CPU per request much less, and it says where the time goes.
 *
 * <p>A third side, measured inside the same halves, is the floor behind HTTP ({@link
 * FloorFunction}): the floor's calls and nothing else, in a function on the api's host, called by
 * the same HTTP client as the api. Its ratio to the floor is what serving HTTP at all costs here,
 * where the load generator, the function and the emulators share the machine's cores; the api's
 * ratio to it is what the api itself costs on top.
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
    ApiCalls overHttp = subjects.floorOverHttp();
    Floor floor = subjects.floor();
    ProcessCpu cpu = new ProcessCpu(subjects.functionPids());
    List<String> ourJobs = new ArrayList<>();
    List<String> floorJobs = new ArrayList<>();
    List<String> overHttpJobs = new ArrayList<>();
    for (int i = 0; i < READ_SET; i++) {
      ourJobs.add(api.submit());
      floorJobs.add(floor.submit());
      overHttpJobs.add(overHttp.submit());
    }
    List<Route> routes = List.of(
        new Route("submit", "POST /prompt", api::submit, floor::submit, overHttp::submit),
        new Route("history_id", "GET /history/{id}",
            () -> api.get("/history/" + pick(ourJobs)), () -> floor.read(pick(floorJobs)),
            () -> overHttp.get("/history/" + pick(overHttpJobs))));

    System.out.printf("requests per second, authentication off, %.0f s per side per cell (two halves each)%n",
        2 * half.toMillis() / 1000.0);
    System.out.printf("%-18s %5s %10s %10s %7s %8s %12s %11s%n", "route", "conc.", "ours/s", "floor/s", "ratio",
        "errors", "over-http/s", "its ratio");
    double lowest = Double.MAX_VALUE;
    double lowestOverHttp = Double.MAX_VALUE;
    double lowestOverItsBound = Double.MAX_VALUE;
    for (Route route : routes) {
      for (int concurrency : CONCURRENCY) {
        // Unmeasured: the first seconds at a new concurrency open connections and grow pools.
        for (ApiSubmitBench.Call side : List.of(route.ours(), route.floor(), route.overHttp())) {
          rate(side, concurrency, Duration.ofMillis(500), cpu);
        }
        Rate ours1 = rate(route.ours(), concurrency, half, cpu);
        Rate floor1 = rate(route.floor(), concurrency, half, cpu);
        Rate overHttp1 = rate(route.overHttp(), concurrency, half, cpu);
        Rate overHttp2 = rate(route.overHttp(), concurrency, half, cpu);
        Rate floor2 = rate(route.floor(), concurrency, half, cpu);
        Rate ours2 = rate(route.ours(), concurrency, half, cpu);
        Rate ours = ours1.plus(ours2);
        Rate base = floor1.plus(floor2);
        Rate bound = overHttp1.plus(overHttp2);
        double ratio = ours.perSecond() / base.perSecond();
        double boundRatio = bound.perSecond() / base.perSecond();
        lowest = Math.min(lowest, ratio);
        lowestOverHttp = Math.min(lowestOverHttp, boundRatio);
        lowestOverItsBound = Math.min(lowestOverItsBound, ours.perSecond() / bound.perSecond());
        System.out.printf("%-18s %5d %10.1f %10.1f %6.2fx %8s %12.1f %10.2fx%n", route.label(), concurrency,
            ours.perSecond(), base.perSecond(), ratio, ours.failed() + "/" + base.failed() + "/" + bound.failed(),
            bound.perSecond(), boundRatio);
        String key = route.key() + "_c" + concurrency;
        report.putIn("p2_throughput_rps", key + "_ours", ours.perSecond());
        report.putIn("p2_throughput_rps", key + "_floor", base.perSecond());
        report.putIn("p2_throughput_rps", key + "_floor_over_http", bound.perSecond());
        report.putIn("p2_throughput_ratios", key, ratio);
        report.putIn("p2_floor_over_http_ratios", key, boundRatio);
        for (Map.Entry<String, Rate> side : Map.of("ours", ours, "floor", base, "floor_over_http", bound).entrySet()) {
          side.getValue().cpuPerRequest().forEach((role, ms) ->
              report.putIn("p2_cpu_ms_per_request", key + "_" + side.getKey() + "_" + role, ms));
        }
        System.out.printf("    CPU ms per request, ours:            %s%n    CPU ms per request, floor:           %s%n"
            + "    CPU ms per request, floor over HTTP: %s%n",
            shown(ours.cpuPerRequest()), shown(base.cpuPerRequest()), shown(bound.cpuPerRequest()));
      }
    }
    report.put("p2_throughput_ratio", lowest);
    report.put("p2_floor_over_http_ratio", lowestOverHttp);
    report.put("p2_ours_over_floor_over_http_ratio", lowestOverItsBound);
    System.out.printf("lowest ratio: %.2fx; the floor behind HTTP, lowest: %.2fx; ours to the floor behind HTTP,"
        + " lowest: %.2fx%n(errors: ours/floor/over-HTTP requests that failed; they do not count as served)%n",
        lowest, lowestOverHttp, lowestOverItsBound);
  }

  private static String shown(Map<String, Double> perRole) {
    StringBuilder line = new StringBuilder();
    double total = 0;
    for (Map.Entry<String, Double> role : perRole.entrySet()) {
      line.append(String.format("%s %.2f  ", role.getKey(), role.getValue()));
      total += role.getValue();
    }
    return line.append(String.format("(all %.2f)", total)).toString();
  }

  private static String pick(List<String> ids) {
    return ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
  }

  /**
   * {@code callers} threads calling back to back for {@code duration}: the calls that succeeded per
   * second, and the CPU each process spent meanwhile.
   */
  static Rate rate(ApiSubmitBench.Call call, int callers, Duration duration, ProcessCpu cpu) throws InterruptedException {
    Map<String, Duration> cpuBefore = cpu.now();
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
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Rate(served.get(), failed.get(), seconds, cpuBefore, cpu.now());
  }

  record Route(String key, String label, ApiSubmitBench.Call ours, ApiSubmitBench.Call floor,
      ApiSubmitBench.Call overHttp) {}

  /** @param cpuUsed each role's CPU time over the measurement ({@link ProcessCpu#ROLES}) */
  record Rate(long served, long failed, double seconds, Map<String, Duration> cpuUsed) {
    Rate(long served, long failed, double seconds, Map<String, Duration> cpuBefore, Map<String, Duration> cpuAfter) {
      this(served, failed, seconds, difference(cpuBefore, cpuAfter));
    }

    double perSecond() {
      return served / seconds;
    }

    /** Milliseconds of CPU per request served, by role. */
    Map<String, Double> cpuPerRequest() {
      return ProcessCpu.perRequest(cpuUsed, served);
    }

    Rate plus(Rate other) {
      Map<String, Duration> cpu = new java.util.LinkedHashMap<>(cpuUsed);
      other.cpuUsed.forEach((role, used) -> cpu.merge(role, used, Duration::plus));
      return new Rate(served + other.served, failed + other.failed, seconds + other.seconds, cpu);
    }

    private static Map<String, Duration> difference(Map<String, Duration> before, Map<String, Duration> after) {
      Map<String, Duration> used = new java.util.LinkedHashMap<>();
      after.forEach((role, cpu) -> used.put(role, cpu.minus(before.getOrDefault(role, Duration.ZERO))));
      return used;
    }
  }
}
