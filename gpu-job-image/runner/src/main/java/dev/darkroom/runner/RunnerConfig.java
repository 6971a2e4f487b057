package dev.darkroom.runner;

import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.usecase.FairShare;
import dev.darkroom.core.warm.KeepWarm;
import dev.darkroom.gcp.CloudRunJobLauncher;
import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.GpuPoolConfig;
import dev.darkroom.gcp.KeepWarmConfig;
import dev.darkroom.gcp.OutputsConfig;
import dev.darkroom.gcp.TierConcurrencyConfig;
import dev.darkroom.gcp.TopicConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The runner's configuration, from the environment that Cloud Run (the {@code CLOUD_RUN_*}
 * variables), the launcher ({@code DARKROOM_JOB_IDS}) and Terraform (the rest) give each task.
 *
 * @param comfyUrl the ComfyUI to drive: the one {@code comfyCommand} starts, or one already running
 * @param taskTimeout {@code TASK_TIMEOUT_SECONDS}: the Cloud Run task timeout (per attempt)
 * @param deadlineMargin {@code DEADLINE_MARGIN_SECONDS}: no new job is claimed this close to it
 * @param comfyCommand {@code COMFYUI_COMMAND}: how to start ComfyUI in this task; null when it runs
 *     elsewhere (the local stack's simulated engine)
 * @param jobIds every job id of the execution, in the launcher's order; {@link #share} picks ours.
 *     Empty for a task the reconciler launched to keep warm: it waits for work under the policy
 * @param taskAttempt Cloud Run's retry counter for this task, 0 on the first try (for logs)
 * @param promptIdleTimeout the watchdog: a prompt that shows no progress for this long is
 *     interrupted and reported as timed out
 * @param comfyReadyTimeout how long to wait for ComfyUI to answer before claiming any job
 * @param heartbeatInterval {@code HEARTBEAT_SECONDS}: how often a running job's heartbeat is recorded
 * @param drainIdle {@code DRAIN_IDLE_SECONDS}: after its share, how long the task waits for more
 *     queued jobs needing the same models before it exits; 0 turns draining off
 * @param services where the task's ports point
 * @param tierLimits {@code TIER_CONCURRENCY}, as dispatch applies it, for the jobs a draining task claims
 * @param gpuSlot {@code DARKROOM_GPU_SLOT}: the GPU slot dispatch reserved for this task; null for a
 *     task launched without one
 * @param engineHome {@code COMFYUI_HOME}: where the task's own ComfyUI keeps its {@code input},
 *     {@code output} and {@code temp} folders, emptied after each job (the image sets it); null when
 *     the engine is not the task's alone (the local stack's simulated engine, shared by its tasks)
 * @param keepWarm {@code WARM_IDLE_BUDGET_SECONDS} (idle GPU-seconds a day, all tasks together) and
 *     {@code WARM_SCHEDULE} (pinned warm tasks), with {@code DRAIN_IDLE_SECONDS} as the grace:
 *     how long a drained task waits for more work ({@link KeepWarm}); null without a budget, when
 *     a task waits {@code DRAIN_IDLE_SECONDS}, as before the policy
 * @param gpuTaskCap {@code GPU_TASK_CAP}: the pool's cap, which the policy reads the pool's usage against
 */
public record RunnerConfig(
    URI comfyUrl,
    List<String> jobIds,
    String executionName,
    TaskShare share,
    int taskAttempt,
    Duration promptIdleTimeout,
    Duration comfyReadyTimeout,
    String comfyCommand,
    Duration taskTimeout,
    Duration deadlineMargin,
    Duration heartbeatInterval,
    Duration drainIdle,
    Services services,
    FairShare.Limits tierLimits,
    GpuPool.Lease gpuSlot,
    java.nio.file.Path engineHome,
    KeepWarm.Settings keepWarm,
    int gpuTaskCap) {

  /**
   * The Google services the task's ports use: the job documents and GPU slots (Firestore), the
   * job-submitted topic (to hand back what it cannot finish), the job-events topic, and the outputs
   * bucket (outputs and the node catalog).
   */
  public record Services(GoogleCloudConfig cloud, CollectionConfig jobs, CollectionConfig gpuSlots,
      TopicConfig jobSubmitted, TopicConfig jobEvents, OutputsConfig outputs) {}

  public static final String DEFAULT_COMFYUI_URL = "http://127.0.0.1:8188";
  public static final int DEFAULT_PROMPT_IDLE_TIMEOUT_SECONDS = 300;
  public static final int DEFAULT_COMFYUI_READY_TIMEOUT_SECONDS = 120;
  /** Cloud Run's limit for a GPU task; Terraform sets the job's own timeout here. */
  public static final int DEFAULT_TASK_TIMEOUT_SECONDS = 3600;
  /** Stop claiming this long before the deadline: a prompt started later would likely be killed. */
  public static final int DEFAULT_DEADLINE_MARGIN_SECONDS = 600;
  public static final int DEFAULT_HEARTBEAT_SECONDS = 30;
  /**
   * About one cold start (image pull, ComfyUI boot, model load): waiting that long for the next
   * prompt costs at most what starting afresh for it would, so an idle wait never costs more than
   * twice the best choice in hindsight.
   */
  public static final int DEFAULT_DRAIN_IDLE_SECONDS = 60;

  public RunnerConfig {
    jobIds = List.copyOf(jobIds);
  }

  /**
   * The last instant at which a new job may be claimed, for a task that started at {@code taskStart};
   * under the keep-warm policy staggered by the execution's name ({@link KeepWarm#staggered}).
   */
  public java.time.Instant claimUntil(java.time.Instant taskStart) {
    Duration window = taskTimeout.minus(deadlineMargin);
    return taskStart.plus(keepWarm == null ? window : KeepWarm.staggered(window, executionName));
  }

  public String projectId() {
    return services.cloud().projectId();
  }

  public String outputsBucket() {
    return services.outputs().bucket();
  }

  /** The command that starts ComfyUI in this task, if the task owns its ComfyUI (the GPU image does). */
  public Optional<String> comfyCommandIfSet() {
    return Optional.ofNullable(comfyCommand);
  }

  /** Reads every variable, failing with a message that names the first one missing or malformed. */
  /** This process's environment; fails naming the first variable missing or malformed. */
  public static RunnerConfig fromEnvironment() {
    return from(Env.system());
  }

  public static RunnerConfig from(Env env) {
    Services services = new Services(GoogleCloudConfig.from(env), CollectionConfig.jobs(env),
        CollectionConfig.gpuSlots(env), TopicConfig.jobSubmitted(env), TopicConfig.jobEvents(env), OutputsConfig.from(env));
    URI comfyUrl = comfyUrl(env.orDefault("COMFYUI_URL", DEFAULT_COMFYUI_URL));
    List<String> jobIds = Arrays.stream(
            env.requireSet(CloudRunJobLauncher.JOB_IDS_VARIABLE,
                    "the job ids this execution runs, comma-separated; empty for a task launched to keep warm")
                .split(","))
        .map(String::trim)
        .filter(id -> !id.isEmpty())
        // Once each: a second claim of a job by this execution would count as a task retry.
        .distinct()
        .toList();
    String execution = env.require("CLOUD_RUN_EXECUTION", "the Cloud Run execution name, set by Cloud Run");
    int index = env.intOrDefault("CLOUD_RUN_TASK_INDEX", 0);
    int count = env.intOrDefault("CLOUD_RUN_TASK_COUNT", 1);
    TaskShare share;
    try {
      share = new TaskShare(index, count);
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException("CLOUD_RUN_TASK_INDEX=" + index + " and CLOUD_RUN_TASK_COUNT="
          + count + " do not name a task: " + e.getMessage());
    }
    int attempt = env.intOrDefault("CLOUD_RUN_TASK_ATTEMPT", 0);
    Duration idle = env.positiveSecondsOrDefault("PROMPT_IDLE_TIMEOUT_SECONDS", Duration.ofSeconds(DEFAULT_PROMPT_IDLE_TIMEOUT_SECONDS));
    Duration ready = env.positiveSecondsOrDefault("COMFYUI_READY_TIMEOUT_SECONDS", Duration.ofSeconds(DEFAULT_COMFYUI_READY_TIMEOUT_SECONDS));
    Duration taskTimeout = env.positiveSecondsOrDefault("TASK_TIMEOUT_SECONDS", Duration.ofSeconds(DEFAULT_TASK_TIMEOUT_SECONDS));
    Duration margin = env.positiveSecondsOrDefault("DEADLINE_MARGIN_SECONDS", Duration.ofSeconds(DEFAULT_DEADLINE_MARGIN_SECONDS));
    Duration heartbeat = env.positiveSecondsOrDefault("HEARTBEAT_SECONDS", Duration.ofSeconds(DEFAULT_HEARTBEAT_SECONDS));
    int drainIdle = env.intOrDefault("DRAIN_IDLE_SECONDS", DEFAULT_DRAIN_IDLE_SECONDS);
    if (drainIdle < 0) {
      throw new Env.MissingConfigException("DRAIN_IDLE_SECONDS must be 0 (no draining) or more, got " + drainIdle);
    }
    return new RunnerConfig(comfyUrl, jobIds, execution,
        share, attempt, idle, ready, env.optional("COMFYUI_COMMAND").orElse(null), taskTimeout, margin,
        heartbeat, Duration.ofSeconds(drainIdle), services, TierConcurrencyConfig.from(env).limits(), gpuSlot(env),
        env.optional("COMFYUI_HOME").map(java.nio.file.Path::of).orElse(null),
        KeepWarmConfig.from(env).orElse(null), GpuPoolConfig.from(env).cap());
  }

  /** The keep-warm policy's settings, if the deployment gave it a budget. */
  public Optional<KeepWarm.Settings> keepWarmIfSet() {
    return Optional.ofNullable(keepWarm);
  }

  /** Where the task's own engine keeps its files, if it owns one. */
  public Optional<java.nio.file.Path> engineHomeIfSet() {
    return Optional.ofNullable(engineHome);
  }

  /** The GPU slot dispatch reserved for this task, if it was launched with one. */
  public Optional<GpuPool.Lease> gpuSlotIfSet() {
    return Optional.ofNullable(gpuSlot);
  }

  private static GpuPool.Lease gpuSlot(Env env) {
    Optional<String> token = env.optional(CloudRunJobLauncher.GPU_SLOT_VARIABLE);
    try {
      return token.map(GpuPool.Lease::parse).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException(CloudRunJobLauncher.GPU_SLOT_VARIABLE + " is malformed: " + e.getMessage());
    }
  }

  /** What {@link Runner} needs of this configuration, for a task that started at {@code taskStart}. */
  public Runner.Settings runnerSettings(java.time.Instant taskStart) {
    return new Runner.Settings(executionName, share, comfyReadyTimeout)
        .withLimits(tierLimits)
        .withClaimUntil(claimUntil(taskStart))
        .withHeartbeatInterval(heartbeatInterval)
        .withDrainIdle(drainIdle);
  }

  /** The ids this task runs. */
  public List<String> myJobIds() {
    return share.of(jobIds);
  }

  private static URI comfyUrl(String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException("COMFYUI_URL is not a URL: '" + value + "'");
    }
    if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new Env.MissingConfigException("COMFYUI_URL must be an http(s) URL with a host, got '" + value + "'");
    }
    return uri;
  }
}
