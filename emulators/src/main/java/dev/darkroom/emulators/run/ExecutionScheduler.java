package dev.darkroom.emulators.run;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import dev.darkroom.emulators.ManagedProcess;
import dev.darkroom.emulators.run.ExecutionState.AttemptRecord;
import dev.darkroom.emulators.run.TaskState.Phase;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks of executions as child processes: at most {@code parallelism} at once, each
 * attempt bounded by the task timeout, failed attempts retried up to {@code max_retries}. One
 * pooled thread waits on each running task; all state changes happen under the store monitor.
 */
final class ExecutionScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CloudRunJobsEmulator.class);
  /** Shell convention for "command not found", reported when a process cannot be started at all. */
  private static final int CANNOT_START = 127;

  private final RunStore store;
  private final Map<String, List<String>> entrypoints = new ConcurrentHashMap<>();
  private final ExecutorService threads;
  private volatile Duration terminationGrace = Duration.ofSeconds(10);

  ExecutionScheduler(RunStore store) {
    this.store = store;
    AtomicInteger counter = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "cloud-run-task-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  void registerImage(String image, List<String> entrypoint) {
    if (entrypoint.isEmpty()) {
      throw new IllegalArgumentException("entrypoint of " + image + " must not be empty");
    }
    entrypoints.put(image, List.copyOf(entrypoint));
  }

  void setTerminationGrace(Duration grace) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative: " + grace);
    }
    this.terminationGrace = grace;
  }

  void start(ExecutionState execution) {
    log.info("execution {} started: {} task(s), parallelism {}, max_retries {}, timeout {}",
        execution.name, execution.taskCount, execution.parallelism, execution.maxRetries, execution.timeout);
    pump(execution);
  }

  /** Starts pending tasks while there is room, and completes the execution once all tasks ended. */
  private void pump(ExecutionState e) {
    List<TaskState> toStart = new ArrayList<>();
    synchronized (store) {
      if (e.terminal()) {
        return;
      }
      if (!e.cancelRequested) {
        long active = e.count(Phase.RUNNING);
        for (TaskState t : e.tasks) {
          if (active >= e.parallelism) {
            break;
          }
          if (t.phase == Phase.PENDING) {
            t.phase = Phase.RUNNING;
            active++;
            toStart.add(t);
          }
        }
      }
      if (e.tasks.stream().allMatch(t -> t.phase.terminal())) {
        Instant now = Instant.now();
        e.completionTime = now;
        e.updateTime = now;
        log.info("execution {} completed: {} succeeded, {} failed, {} cancelled", e.name,
            e.count(Phase.SUCCEEDED), e.count(Phase.FAILED), e.count(Phase.CANCELLED));
      }
    }
    for (TaskState t : toStart) {
      threads.execute(() -> runTask(e, t));
    }
  }

  private void runTask(ExecutionState e, TaskState t) {
    try {
      boolean retry;
      do {
        retry = runAttempt(e, t);
      } while (retry);
    } catch (RuntimeException unexpected) {
      log.error("task {} of {} failed inside the emulator", t.index, e.name, unexpected);
      synchronized (store) {
        t.phase = e.cancelRequested ? Phase.CANCELLED : Phase.FAILED;
        t.lastMessage = "emulator error: " + unexpected;
        t.completionTime = Instant.now();
        t.process = null;
      }
    } finally {
      pump(e);
    }
  }

  /** Runs one attempt to its end; true if the task should be tried again. */
  private boolean runAttempt(ExecutionState e, TaskState t) {
    int attempt;
    synchronized (store) {
      if (e.cancelRequested) {
        t.phase = Phase.CANCELLED;
        t.completionTime = Instant.now();
        return false;
      }
      Instant now = Instant.now();
      attempt = t.attemptsStarted++;
      t.retried = attempt;
      t.startTime = now;
      t.completionTime = null;
      t.killRequested = false;
      if (e.startTime == null) {
        e.startTime = now;
      }
      e.updateTime = now;
    }
    String label = ResourceNames.lastSegment(e.name) + "-task" + t.index + "-attempt" + attempt;
    Path logFile = e.logDir.resolve("task" + t.index + "-attempt" + attempt + ".log");
    Container container = e.template.getContainers(0);
    List<String> command = command(container);
    if (command == null) {
      String message = "image " + container.getImage() + " is not registered with the emulator and the"
          + " container has no command: call registerImage(image, entrypoint) or set the command";
      log.warn("task {}: {}", label, message);
      synchronized (store) {
        t.lastExitCode = CANNOT_START;
        t.lastMessage = message;
        t.phase = Phase.FAILED;
        t.completionTime = Instant.now();
      }
      return false;
    }
    AttemptLog output = AttemptLog.open(label, logFile);
    ManagedProcess process;
    try {
      process = ManagedProcess.start(label, command, environment(e, t.index, attempt, container), output::write);
    } catch (UncheckedIOException cannotStart) {
      output.write("emulator: " + cannotStart.getMessage() + ": " + cannotStart.getCause().getMessage());
      output.close();
      synchronized (store) {
        AttemptRecord record = new AttemptRecord(t.index, attempt, -1, logFile);
        record.exitCode = CANNOT_START;
        e.attempts.add(record);
        return endAttempt(e, t, CANNOT_START, false, "The container could not be started: "
            + cannotStart.getCause().getMessage());
      }
    }
    AttemptRecord record;
    boolean cancelledWhileStarting;
    synchronized (store) {
      record = new AttemptRecord(t.index, attempt, process.pid(), logFile);
      e.attempts.add(record);
      t.process = process;
      cancelledWhileStarting = e.cancelRequested;
    }
    log.debug("task {} started as pid {}: {}", label, process.pid(), command);
    if (cancelledWhileStarting) {
      process.stop(terminationGrace);
    }
    boolean timedOut = false;
    int exitCode;
    try {
      if (!process.waitFor(e.timeout)) {
        timedOut = true;
        log.info("task {} exceeded its timeout of {}: stopping it", label, e.timeout);
        process.stop(terminationGrace);
      }
      exitCode = process.waitFor();
    } catch (InterruptedException interrupted) {
      // Only close() interrupts: the emulator is going away, so nothing may outlive it.
      Thread.currentThread().interrupt();
      process.stop(Duration.ZERO);
      exitCode = process.isAlive() ? -1 : 137;
    } finally {
      output.close();
    }
    synchronized (store) {
      record.exitCode = exitCode;
      t.process = null;
      return endAttempt(e, t, exitCode, timedOut, null);
    }
  }

  /** Records an attempt's outcome (under the store monitor); true if the task should be retried. */
  private boolean endAttempt(ExecutionState e, TaskState t, int exitCode, boolean timedOut, String startFailure) {
    Instant now = Instant.now();
    boolean signalled = timedOut || t.killRequested || e.cancelRequested;
    t.lastExitCode = exitCode;
    t.lastTermSignal = signalled && exitCode > 128 ? exitCode - 128 : 0;
    if (startFailure != null) {
      t.lastMessage = startFailure;
    } else if (timedOut) {
      t.lastMessage = "The configured timeout of " + e.timeout.toSeconds() + "s was reached.";
    } else if (t.killRequested) {
      t.lastMessage = "The container was killed (fault injected by the emulator).";
    } else if (exitCode != 0) {
      t.lastMessage = "The container exited with a non-zero exit code " + exitCode + ".";
    } else {
      t.lastMessage = "";
    }
    t.completionTime = now;
    e.updateTime = now;
    if (e.cancelRequested) {
      t.phase = Phase.CANCELLED;
      return false;
    }
    if (exitCode == 0 && !timedOut) {
      t.phase = Phase.SUCCEEDED;
      return false;
    }
    if (t.retried < e.maxRetries) {
      log.info("task {} of {} attempt {} failed ({}); retrying", t.index, e.name, t.retried, t.lastMessage);
      return true;
    }
    t.phase = Phase.FAILED;
    log.info("task {} of {} failed after {} attempt(s): {}", t.index, e.name, t.retried + 1, t.lastMessage);
    return false;
  }

  /** Docker's rule: a command replaces the image's entrypoint; args always follow. */
  private List<String> command(Container container) {
    List<String> command = new ArrayList<>();
    if (container.getCommandCount() > 0) {
      command.addAll(container.getCommandList());
    } else {
      List<String> entrypoint = entrypoints.get(container.getImage());
      if (entrypoint == null) {
        return null;
      }
      command.addAll(entrypoint);
    }
    command.addAll(container.getArgsList());
    return command;
  }

  private static Map<String, String> environment(ExecutionState e, int index, int attempt, Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar variable : container.getEnvList()) {
      if (variable.hasValueSource()) {
        log.warn("{}: env {} comes from Secret Manager, which the emulator does not reach; left unset",
            e.name, variable.getName());
        continue;
      }
      env.put(variable.getName(), variable.getValue());
    }
    env.put("CLOUD_RUN_JOB", ResourceNames.lastSegment(e.jobName));
    env.put("CLOUD_RUN_EXECUTION", ResourceNames.lastSegment(e.name));
    env.put("CLOUD_RUN_TASK_INDEX", Integer.toString(index));
    env.put("CLOUD_RUN_TASK_COUNT", Integer.toString(e.taskCount));
    env.put("CLOUD_RUN_TASK_ATTEMPT", Integer.toString(attempt));
    return env;
  }

  /** Stops running tasks (SIGTERM, SIGKILL after the grace) and cancels those not yet started. */
  void cancel(ExecutionState e) {
    List<ManagedProcess> running = new ArrayList<>();
    synchronized (store) {
      if (e.terminal() || e.cancelRequested) {
        return;
      }
      Instant now = Instant.now();
      e.cancelRequested = true;
      e.updateTime = now;
      for (TaskState t : e.tasks) {
        if (t.phase == Phase.PENDING) {
          t.phase = Phase.CANCELLED;
          t.completionTime = now;
        } else if (t.process != null) {
          running.add(t.process);
        }
      }
    }
    log.info("execution {}: cancelling, {} task(s) running", e.name, running.size());
    Duration grace = terminationGrace;
    for (ManagedProcess process : running) {
      threads.execute(() -> process.stop(grace));
    }
    pump(e);
  }

  /** SIGKILLs a running task's process tree, as a crashed or preempted instance would end. */
  void kill(String executionName, int taskIndex) {
    ManagedProcess process;
    synchronized (store) {
      ExecutionState e = store.execution(executionName);
      if (taskIndex < 0 || taskIndex >= e.taskCount) {
        throw new IllegalArgumentException(executionName + " has no task " + taskIndex);
      }
      TaskState t = e.tasks.get(taskIndex);
      if (t.process == null) {
        throw new IllegalStateException("task " + taskIndex + " of " + executionName + " is not running");
      }
      t.killRequested = true;
      process = t.process;
    }
    log.info("killing task {} of {} (pid {})", taskIndex, executionName, process.pid());
    ProcessHandle.of(process.pid()).ifPresent(handle -> {
      handle.descendants().forEach(ProcessHandle::destroyForcibly);
      handle.destroyForcibly();
    });
  }

  List<TaskAttempt> attempts(String executionName) {
    synchronized (store) {
      return store.execution(executionName).attempts.stream().map(AttemptRecord::snapshot).toList();
    }
  }

  @Override
  public void close() {
    for (ExecutionState e : store.unfinishedExecutions()) {
      cancel(e);
    }
    threads.shutdown();
    try {
      if (!threads.awaitTermination(terminationGrace.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
