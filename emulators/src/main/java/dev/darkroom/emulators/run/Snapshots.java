package dev.darkroom.emulators.run;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionEnvironment;
import com.google.cloud.run.v2.ExecutionReference;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.Task;
import com.google.cloud.run.v2.TaskAttemptResult;
import com.google.protobuf.Timestamp;
import dev.darkroom.emulators.run.TaskState.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Turns the mutable state into the protos Cloud Run answers with; call under the store monitor. */
final class Snapshots {
  private Snapshots() {}

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  static Condition condition(String type, Condition.State state, String message, Instant when) {
    return Condition.newBuilder()
        .setType(type)
        .setState(state)
        .setMessage(message)
        .setLastTransitionTime(timestamp(when))
        .build();
  }

  static Job job(Job stored, ExecutionState latest) {
    if (latest == null) {
      return stored;
    }
    ExecutionReference.Builder reference = ExecutionReference.newBuilder()
        .setName(latest.name)
        .setCreateTime(timestamp(latest.createTime))
        .setCompletionStatus(completionStatus(latest));
    if (latest.completionTime != null) {
      reference.setCompletionTime(timestamp(latest.completionTime));
    }
    return stored.toBuilder().setLatestCreatedExecution(reference).build();
  }

  private static ExecutionReference.CompletionStatus completionStatus(ExecutionState e) {
    if (!e.terminal()) {
      return e.startTime == null
          ? ExecutionReference.CompletionStatus.EXECUTION_PENDING
          : ExecutionReference.CompletionStatus.EXECUTION_RUNNING;
    }
    if (e.cancelRequested) {
      return ExecutionReference.CompletionStatus.EXECUTION_CANCELLED;
    }
    return e.succeeded()
        ? ExecutionReference.CompletionStatus.EXECUTION_SUCCEEDED
        : ExecutionReference.CompletionStatus.EXECUTION_FAILED;
  }

  static Execution execution(ExecutionState e) {
    Execution.Builder b = Execution.newBuilder()
        .setName(e.name)
        .setUid(e.uid)
        .setGeneration(1)
        .setObservedGeneration(1)
        .putAllLabels(e.labels)
        .putAllAnnotations(e.annotations)
        .setCreateTime(timestamp(e.createTime))
        .setUpdateTime(timestamp(e.updateTime))
        .setJob(ResourceNames.lastSegment(e.jobName))
        .setParallelism(e.parallelism)
        .setTaskCount(e.taskCount)
        .setTemplate(e.template)
        .setReconciling(!e.terminal())
        .setRunningCount((int) e.count(Phase.RUNNING))
        .setSucceededCount((int) e.count(Phase.SUCCEEDED))
        .setFailedCount((int) e.count(Phase.FAILED))
        .setCancelledCount((int) e.count(Phase.CANCELLED))
        .setRetriedCount((int) e.tasks.stream().filter(t -> t.retried > 0).count())
        .setLogUri(e.logDir.toUri().toString())
        .setEtag("\"1\"");
    if (e.startTime != null) {
      b.setStartTime(timestamp(e.startTime));
    }
    if (e.completionTime != null) {
      b.setCompletionTime(timestamp(e.completionTime));
    }
    b.addConditions(executionCompleted(e));
    b.addConditions(condition("ResourcesAvailable", Condition.State.CONDITION_SUCCEEDED, "", e.createTime));
    b.addConditions(e.startTime == null
        ? condition("Started", Condition.State.CONDITION_PENDING, "", e.createTime)
        : condition("Started", Condition.State.CONDITION_SUCCEEDED, "", e.startTime));
    return b.build();
  }

  private static Condition executionCompleted(ExecutionState e) {
    if (!e.terminal()) {
      Condition.Builder c = condition("Completed",
          e.startTime == null ? Condition.State.CONDITION_PENDING : Condition.State.CONDITION_RECONCILING,
          e.cancelRequested ? "The execution is being cancelled." : "", e.updateTime).toBuilder();
      if (e.cancelRequested) {
        c.setExecutionReason(Condition.ExecutionReason.CANCELLING);
      }
      return c.build();
    }
    if (e.cancelRequested) {
      return condition("Completed", Condition.State.CONDITION_FAILED, "The execution was cancelled.",
          e.completionTime).toBuilder().setExecutionReason(Condition.ExecutionReason.CANCELLED).build();
    }
    if (e.succeeded()) {
      Duration took = Duration.between(e.startTime == null ? e.createTime : e.startTime, e.completionTime);
      return condition("Completed", Condition.State.CONDITION_SUCCEEDED,
          String.format(Locale.ROOT, "Execution completed successfully in %.2fs.", took.toMillis() / 1000.0),
          e.completionTime);
    }
    long failed = e.count(Phase.FAILED);
    String message = "Task " + ResourceNames.lastSegment(ResourceNames.taskName(e.name, firstFailed(e)))
        + " failed: " + e.tasks.get(firstFailed(e)).lastMessage + " " + failed + " of " + e.taskCount
        + " task(s) failed.";
    return condition("Completed", Condition.State.CONDITION_FAILED, message, e.completionTime)
        .toBuilder().setExecutionReason(Condition.ExecutionReason.NON_ZERO_EXIT_CODE).build();
  }

  private static int firstFailed(ExecutionState e) {
    return e.tasks.stream().filter(t -> t.phase == Phase.FAILED).mapToInt(t -> t.index).findFirst().orElse(0);
  }

  static Task task(ExecutionState e, TaskState t) {
    Task.Builder b = Task.newBuilder()
        .setName(ResourceNames.taskName(e.name, t.index))
        .setUid(e.uid + "-" + t.index)
        .setGeneration(1)
        .setObservedGeneration(1)
        .putAllLabels(e.labels)
        .putAllAnnotations(e.annotations)
        .setCreateTime(timestamp(t.createTime))
        .setScheduledTime(timestamp(t.createTime))
        .setUpdateTime(timestamp(e.updateTime))
        .setJob(ResourceNames.lastSegment(e.jobName))
        .setExecution(ResourceNames.lastSegment(e.name))
        .addAllContainers(e.template.getContainersList())
        .addAllVolumes(e.template.getVolumesList())
        .setMaxRetries(e.maxRetries)
        .setTimeout(com.google.protobuf.Duration.newBuilder()
            .setSeconds(e.timeout.getSeconds()).setNanos(e.timeout.getNano()))
        .setServiceAccount(e.template.getServiceAccount())
        .setExecutionEnvironment(e.template.getExecutionEnvironment()
            == ExecutionEnvironment.EXECUTION_ENVIRONMENT_UNSPECIFIED
            ? ExecutionEnvironment.EXECUTION_ENVIRONMENT_GEN2 : e.template.getExecutionEnvironment())
        .setReconciling(!t.phase.terminal())
        .setIndex(t.index)
        .setRetried(t.retried)
        .setLogUri(e.logDir.toUri().toString())
        .setEtag("\"1\"");
    if (t.startTime != null) {
      b.setStartTime(timestamp(t.startTime));
    }
    if (t.completionTime != null) {
      b.setCompletionTime(timestamp(t.completionTime));
    }
    if (t.lastExitCode != null) {
      TaskAttemptResult.Builder result = TaskAttemptResult.newBuilder()
          .setExitCode(t.lastExitCode)
          .setTermSignal(t.lastTermSignal);
      result.setStatus(com.google.rpc.Status.newBuilder()
          .setCode(t.lastExitCode == 0 ? 0 : com.google.rpc.Code.UNKNOWN_VALUE)
          .setMessage(t.lastMessage));
      b.setLastAttemptResult(result);
    }
    b.addConditions(taskCompleted(t, e));
    b.addConditions(t.startTime == null
        ? condition("Started", Condition.State.CONDITION_PENDING, "", t.createTime)
        : condition("Started", Condition.State.CONDITION_SUCCEEDED, "", t.startTime));
    return b.build();
  }

  private static Condition taskCompleted(TaskState t, ExecutionState e) {
    Instant when = t.completionTime != null ? t.completionTime : t.startTime != null ? t.startTime : t.createTime;
    return switch (t.phase) {
      case PENDING -> condition("Completed", Condition.State.CONDITION_PENDING, "", when);
      case RUNNING -> condition("Completed", Condition.State.CONDITION_RECONCILING, "", when);
      case SUCCEEDED -> condition("Completed", Condition.State.CONDITION_SUCCEEDED, "", when);
      case FAILED -> condition("Completed", Condition.State.CONDITION_FAILED, t.lastMessage, when)
          .toBuilder().setExecutionReason(Condition.ExecutionReason.NON_ZERO_EXIT_CODE).build();
      case CANCELLED -> condition("Completed", Condition.State.CONDITION_FAILED, "The task was cancelled.", when)
          .toBuilder().setExecutionReason(Condition.ExecutionReason.CANCELLED).build();
    };
  }
}
