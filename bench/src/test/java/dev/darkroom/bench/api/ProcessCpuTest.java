package dev.darkroom.bench.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {

  @Test
  void everyRoleIsReadAndThisJvmsOwnCpuGrowsWithWork() {
    ProcessCpu cpu = new ProcessCpu(java.util.List.of(-1L));
    Map<String, Duration> before = cpu.now();
    long sum = 0;
    for (long i = 0; i < 200_000_000L; i++) {
      sum += i ^ (sum >>> 3);
    }
    Map<String, Duration> after = cpu.now();

    assertThat(sum).isNotZero();
    assertThat(before).containsOnlyKeys(ProcessCpu.ROLES);
    assertThat(after.get("bench")).isGreaterThan(before.get("bench"));
  }

  @Test
  void perRequestDividesEachRolesTimeByTheRequestsServed() {
    Map<String, Double> perRequest = ProcessCpu.perRequest(
        Map.of("bench", Duration.ofMillis(300), "api", Duration.ofMillis(900)), 300);

    assertThat(perRequest).containsOnlyKeys(ProcessCpu.ROLES);
    assertThat(perRequest.get("bench")).isCloseTo(1.0, within(1e-9));
    assertThat(perRequest.get("api")).isCloseTo(3.0, within(1e-9));
    assertThat(perRequest.get("firestore")).isZero();
    assertThat(ProcessCpu.perRequest(Map.of(), 0).get("api")).isNaN();
  }
}
