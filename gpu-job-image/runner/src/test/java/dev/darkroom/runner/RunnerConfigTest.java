package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.gcp.Env;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerConfigTest {

  private static Map<String, String> minimal() {
    Map<String, String> vars = new HashMap<>();
    vars.put("GOOGLE_CLOUD_PROJECT", "darkroom-dev");
    vars.put("OUTPUTS_BUCKET", "darkroom-outputs");
    vars.put("DARKROOM_JOB_IDS", "job-a, job-b,job-c,");
    vars.put("CLOUD_RUN_EXECUTION", "gpu-job-x7k2p");
    return vars;
  }

  @Test
  void readsTheEnvironmentWithDefaultsForWhatCloudRunMayLeaveOut() {
    RunnerConfig config = RunnerConfig.from(new Env(minimal()));

    assertThat(config.projectId()).isEqualTo("darkroom-dev");
    assertThat(config.comfyUrl()).isEqualTo(URI.create("http://127.0.0.1:8188"));
    assertThat(config.outputsBucket()).isEqualTo("darkroom-outputs");
    assertThat(config.comfyCommandIfSet()).as("no command: ComfyUI runs elsewhere").isEmpty();
    assertThat(config.claimUntil(java.time.Instant.parse("2026-01-01T00:00:00Z")))
        .as("an hour's task, no new job in its last 10 minutes").isEqualTo(java.time.Instant.parse("2026-01-01T00:50:00Z"));
    assertThat(config.jobIds()).containsExactly("job-a", "job-b", "job-c");
    assertThat(config.executionName()).isEqualTo("gpu-job-x7k2p");
    assertThat(config.share()).isEqualTo(TaskShare.whole());
    assertThat(config.taskAttempt()).isZero();
    assertThat(config.promptIdleTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(config.comfyReadyTimeout()).isEqualTo(Duration.ofSeconds(120));
  }

  /**
   * The runner image reads the overrides dispatch writes, and the two are deployed apart: the
   * golden overrides that dispatch's launcher is pinned to (shared/gcp, docs/WIRE_FORMATS.md) are
   * read into the jobs and the slot they name.
   */
  @Test
  void readsTheGoldenLaunchOverridesThatDispatchWrites() throws Exception {
    com.fasterxml.jackson.databind.JsonNode golden = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        java.nio.file.Path.of("../../shared/gcp/src/test/resources/wire/v1/launch-overrides.json").toFile());
    Map<String, String> vars = minimal();
    golden.path("containerOverrides").get(0).path("env").forEach(v -> vars.put(v.path("name").asText(), v.path("value").asText()));
    RunnerConfig config = RunnerConfig.from(new Env(vars));
    assertThat(config.jobIds()).containsExactly("job-1", "job-2", "job-3");
    assertThat(config.gpuSlotIfSet()).hasValue(new dev.darkroom.core.port.GpuPool.Lease("slot-3", "5b0e2c1a-holder"));
    assertThat(golden.path("taskCount").asInt()).as("one task: its share is every id").isEqualTo(1);
    assertThat(config.myJobIds()).containsExactly("job-1", "job-2", "job-3");
  }

  @Test
  void aJobListedTwiceIsRunOnce() {
    Map<String, String> vars = minimal();
    vars.put("DARKROOM_JOB_IDS", "job-a,job-b,job-a");
    assertThat(RunnerConfig.from(new Env(vars)).jobIds()).containsExactly("job-a", "job-b");
  }

  @Test
  void readsEverySetting() {
    Map<String, String> vars = minimal();
    vars.put("COMFYUI_URL", "http://127.0.0.1:9000");
    vars.put("COMFYUI_COMMAND", "python3 /opt/ComfyUI/main.py --listen 127.0.0.1 --port 9000");
    vars.put("CLOUD_RUN_TASK_INDEX", "2");
    vars.put("CLOUD_RUN_TASK_COUNT", "3");
    vars.put("CLOUD_RUN_TASK_ATTEMPT", "1");
    vars.put("PROMPT_IDLE_TIMEOUT_SECONDS", "45");
    vars.put("COMFYUI_READY_TIMEOUT_SECONDS", "600");
    vars.put("COMFYUI_HOME", "/opt/comfyui");

    RunnerConfig config = RunnerConfig.from(new Env(vars));

    assertThat(config.comfyUrl()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(config.comfyCommandIfSet()).contains("python3 /opt/ComfyUI/main.py --listen 127.0.0.1 --port 9000");
    assertThat(config.share()).isEqualTo(new TaskShare(2, 3));
    assertThat(config.myJobIds()).containsExactly("job-c");
    assertThat(config.taskAttempt()).isEqualTo(1);
    assertThat(config.promptIdleTimeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(config.comfyReadyTimeout()).isEqualTo(Duration.ofSeconds(600));
    assertThat(config.engineHomeIfSet()).contains(java.nio.file.Path.of("/opt/comfyui"));
    assertThat(RunnerConfig.from(new Env(minimal())).engineHomeIfSet()).as("the local stack's shared engine").isEmpty();
  }

  @Test
  void anEmptyJobListIsATaskLaunchedToKeepWarm() {
    Map<String, String> vars = minimal();
    vars.put("DARKROOM_JOB_IDS", "");

    RunnerConfig config = RunnerConfig.from(new Env(vars));

    assertThat(config.jobIds()).isEmpty();
    assertThat(config.myJobIds()).isEmpty();
  }

  @Test
  void namesTheMissingVariable() {
    for (String name : List.of("GOOGLE_CLOUD_PROJECT", "OUTPUTS_BUCKET", "DARKROOM_JOB_IDS", "CLOUD_RUN_EXECUTION")) {
      Map<String, String> vars = minimal();
      vars.remove(name);
      assertThatThrownBy(() -> RunnerConfig.from(new Env(vars)))
          .isInstanceOf(Env.MissingConfigException.class)
          .hasMessageContaining(name);
    }
  }

  @Test
  void refusesMalformedValuesNamingThem() {
    Map<String, String> badIndex = minimal();
    badIndex.put("CLOUD_RUN_TASK_INDEX", "3");
    badIndex.put("CLOUD_RUN_TASK_COUNT", "3");
    assertThatThrownBy(() -> RunnerConfig.from(new Env(badIndex))).hasMessageContaining("CLOUD_RUN_TASK_INDEX");

    Map<String, String> badTimeout = minimal();
    badTimeout.put("PROMPT_IDLE_TIMEOUT_SECONDS", "0");
    assertThatThrownBy(() -> RunnerConfig.from(new Env(badTimeout))).hasMessageContaining("PROMPT_IDLE_TIMEOUT_SECONDS");

    Map<String, String> badUrl = minimal();
    badUrl.put("COMFYUI_URL", "127.0.0.1:8188");
    assertThatThrownBy(() -> RunnerConfig.from(new Env(badUrl))).hasMessageContaining("COMFYUI_URL");
  }

  @Test
  void theGpuSlotAndTheTierLimitsAreReadWithTheRestAndMalformedOnesRefused() {
    assertThat(RunnerConfig.from(new Env(minimal())).gpuSlotIfSet()).as("launched without a slot").isEmpty();

    Map<String, String> vars = minimal();
    vars.put("DARKROOM_GPU_SLOT", new dev.darkroom.core.port.GpuPool.Lease("slot-3", "exec-1").token());
    vars.put("JOBS_COLLECTION", "dev_jobs");
    RunnerConfig config = RunnerConfig.from(new Env(vars));
    assertThat(config.gpuSlotIfSet()).hasValue(new dev.darkroom.core.port.GpuPool.Lease("slot-3", "exec-1"));
    assertThat(config.services().jobs().name()).isEqualTo("dev_jobs");
    assertThat(config.services().jobEvents().id()).isEqualTo("job-events");

    Map<String, String> badSlot = minimal();
    badSlot.put("DARKROOM_GPU_SLOT", "not a lease");
    assertThatThrownBy(() -> RunnerConfig.from(new Env(badSlot))).hasMessageContaining("DARKROOM_GPU_SLOT");
    Map<String, String> badTiers = minimal();
    badTiers.put("TIER_CONCURRENCY", "free=");
    assertThatThrownBy(() -> RunnerConfig.from(new Env(badTiers))).hasMessageContaining("TIER_CONCURRENCY");
  }

  @Test
  void tasksSplitTheIdsWithoutOverlapOrGaps() {
    List<String> ids = List.of("a", "b", "c", "d", "e", "f", "g");

    assertThat(new TaskShare(0, 3).of(ids)).containsExactly("a", "d", "g");
    assertThat(new TaskShare(1, 3).of(ids)).containsExactly("b", "e");
    assertThat(new TaskShare(2, 3).of(ids)).containsExactly("c", "f");
    assertThat(new TaskShare(3, 4).of(List.of("a"))).isEmpty();
    assertThatThrownBy(() -> new TaskShare(2, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theKeepWarmPolicyIsOffUnlessABudgetOrAScheduleIsSet() {
    assertThat(RunnerConfig.from(new Env(minimal())).keepWarmIfSet()).as("neither: today's drain grace").isEmpty();
    Map<String, String> blank = minimal();
    blank.put("WARM_IDLE_BUDGET_SECONDS", "");
    assertThat(RunnerConfig.from(new Env(blank)).keepWarmIfSet()).as("Terraform's default, an empty value").isEmpty();

    Map<String, String> budget = minimal();
    budget.put("WARM_IDLE_BUDGET_SECONDS", "3600");
    assertThat(RunnerConfig.from(new Env(budget)).keepWarmIfSet()).get()
        .extracting(s -> s.idleBudgetSecondsPerDay()).isEqualTo(3600.0);

    Map<String, String> scheduleOnly = minimal();
    scheduleOnly.put("WARM_SCHEDULE", "2 warm 09:00-18:00 Mon-Fri Europe/Paris");
    assertThat(RunnerConfig.from(new Env(scheduleOnly)).keepWarmIfSet()).as("a schedule alone: no idle budget")
        .get().extracting(s -> s.idleBudgetSecondsPerDay()).isEqualTo(0.0);
  }
}
