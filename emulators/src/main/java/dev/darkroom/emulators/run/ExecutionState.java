package dev.darkroom.emulators.run;

import com.google.cloud.run.v2.TaskTemplate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Mutable state of one execution and its tasks; guarded by the {@link RunStore} monitor. The
 * template already has the run's overrides applied, as Cloud Run reports it.
 */
final class ExecutionState {
  final String name;
  final String jobName;
  final String uid = UUID.randomUUID().toString();
  final long sequence;
  final Instant createTime;
  final int taskCount;
  final int parallelism;
  final int maxRetries;
  final Duration timeout;
  final TaskTemplate template;
  final Map<String, String> labels;
  final Map<String, String> annotations;
  final Path logDir;
  final List<TaskState> tasks = new ArrayList<>();
  final List<AttemptRecord> attempts = new ArrayList<>();
  Instant startTime;
  Instant completionTime;
  Instant updateTime;
  boolean cancelRequested;

  ExecutionState(String name, String jobName, long sequence, Instant createTime, ExecutionPlan plan,
      Map<String, String> labels, Map<String, String> annotations, Path logDir) {
    this.name = name;
    this.jobName = jobName;
    this.sequence = sequence;
    this.createTime = createTime;
    this.updateTime = createTime;
    this.taskCount = plan.taskCount();
    this.parallelism = plan.parallelism();
    this.maxRetries = plan.maxRetries();
    this.timeout = plan.timeout();
    this.template = plan.template();
    this.labels = Map.copyOf(labels);
    this.annotations = Map.copyOf(annotations);
    this.logDir = logDir;
    for (int i = 0; i < taskCount; i++) {
      tasks.add(new TaskState(i, createTime));
    }
  }

  boolean terminal() {
    return completionTime != null;
  }

  long count(TaskState.Phase phase) {
    return tasks.stream().filter(t -> t.phase == phase).count();
  }

  boolean succeeded() {
    return terminal() && count(TaskState.Phase.SUCCEEDED) == taskCount;
  }

  /** A process record; exitCode stays null while the process runs. */
  static final class AttemptRecord {
    final int taskIndex;
    final int attempt;
    final long pid;
    final Path log;
    Integer exitCode;

    AttemptRecord(int taskIndex, int attempt, long pid, Path log) {
      this.taskIndex = taskIndex;
      this.attempt = attempt;
      this.pid = pid;
      this.log = log;
    }

    TaskAttempt snapshot() {
      return new TaskAttempt(taskIndex, attempt, pid, exitCode, log);
    }
  }
}
