package dev.darkroom.emulators.run;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.cloud.run.v2.TaskTemplate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What an execution will run: the job's template with a RunJob request's overrides applied. */
record ExecutionPlan(int taskCount, int parallelism, int maxRetries, Duration timeout, TaskTemplate template) {

  /** Cloud Run's documented defaults for fields a job leaves unset. */
  static final int DEFAULT_MAX_RETRIES = 3;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);

  static ExecutionPlan of(ExecutionTemplate job, RunJobRequest.Overrides overrides) {
    if (overrides.getTaskCount() < 0) {
      throw ResourceNames.invalid("overrides.task_count must not be negative");
    }
    int taskCount = overrides.getTaskCount() > 0 ? overrides.getTaskCount() : Math.max(1, job.getTaskCount());
    TaskTemplate.Builder template = job.getTemplate().toBuilder();
    for (RunJobRequest.Overrides.ContainerOverride override : overrides.getContainerOverridesList()) {
      int target = containerIndex(template, override.getName());
      template.setContainers(target, apply(template.getContainers(target), override));
    }
    if (overrides.hasTimeout()) {
      template.setTimeout(overrides.getTimeout());
    }
    int parallelism = job.getParallelism() <= 0 ? taskCount : Math.min(job.getParallelism(), taskCount);
    int maxRetries = template.hasMaxRetries() ? template.getMaxRetries() : DEFAULT_MAX_RETRIES;
    Duration timeout = template.hasTimeout()
        ? Duration.ofSeconds(template.getTimeout().getSeconds(), template.getTimeout().getNanos())
        : DEFAULT_TIMEOUT;
    if (timeout.isZero() || timeout.isNegative()) {
      throw ResourceNames.invalid("timeout must be positive, got " + timeout);
    }
    return new ExecutionPlan(taskCount, parallelism, maxRetries, timeout, template.build());
  }

  /** An override without a name targets the only container, as in Cloud Run. */
  private static int containerIndex(TaskTemplate.Builder template, String name) {
    if (template.getContainersCount() == 0) {
      throw ResourceNames.invalid("the job's template has no container to override");
    }
    if (name.isEmpty()) {
      return 0;
    }
    for (int i = 0; i < template.getContainersCount(); i++) {
      if (template.getContainers(i).getName().equals(name)) {
        return i;
      }
    }
    throw ResourceNames.invalid("container override names no container of the job: '" + name + "'");
  }

  private static Container apply(Container container, RunJobRequest.Overrides.ContainerOverride override) {
    Container.Builder result = container.toBuilder();
    if (override.getClearArgs()) {
      result.clearArgs();
    } else if (override.getArgsCount() > 0) {
      result.clearArgs().addAllArgs(override.getArgsList());
    }
    if (override.getEnvCount() > 0) {
      Map<String, EnvVar> merged = new LinkedHashMap<>();
      container.getEnvList().forEach(v -> merged.put(v.getName(), v));
      override.getEnvList().forEach(v -> merged.put(v.getName(), v));
      result.clearEnv().addAllEnv(merged.values());
    }
    return result.build();
  }
}
