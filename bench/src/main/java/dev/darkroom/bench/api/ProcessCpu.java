package dev.darkroom.bench.api;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time used so far by the processes a throughput measurement involves, by role: this JVM (the
 * load generator's HTTP client and the floor's Google clients), the measured functions' processes
 * ({@code api}: the api, and the floor behind HTTP, which are measured in turn), the Firestore and
 * Pub/Sub emulators, and the rest of the local stack (descendants of this JVM).
 * CPU per request, unlike requests per second, hardly moves with what else the machine runs.
 */
final class ProcessCpu {
  static final List<String> ROLES = List.of("bench", "api", "firestore", "pubsub", "stack");

  private final List<Long> functionPids;

  ProcessCpu(List<Long> functionPids) {
    this.functionPids = functionPids;
  }

  /** Each role's CPU time until now (Linux counts it in 10 ms ticks). */
  Map<String, Duration> now() {
    Map<String, Duration> used = new LinkedHashMap<>();
    ROLES.forEach(role -> used.put(role, Duration.ZERO));
    used.put("bench", Duration.ofNanos(
        ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime()));
    ProcessHandle.current().descendants().forEach(process -> {
      Duration cpu = process.info().totalCpuDuration().orElse(Duration.ZERO);
      used.merge(roleOf(process), cpu, Duration::plus);
    });
    return used;
  }

  private String roleOf(ProcessHandle process) {
    if (functionPids.contains(process.pid())) {
      return "api";
    }
    String command = process.info().commandLine().orElse("");
    if (command.contains("cloud-firestore-emulator")) {
      return "firestore";
    }
    if (command.contains("pubsub-emulator")) {
      return "pubsub";
    }
    return "stack";
  }

  /** Milliseconds of CPU per request, by role, of {@code used} (CPU time by role) over {@code requests}. */
  static Map<String, Double> perRequest(Map<String, Duration> used, long requests) {
    Map<String, Double> perRequest = new LinkedHashMap<>();
    for (String role : ROLES) {
      double ms = used.getOrDefault(role, Duration.ZERO).toNanos() / 1e6;
      perRequest.put(role, requests == 0 ? Double.NaN : ms / requests);
    }
    return perRequest;
  }
}
