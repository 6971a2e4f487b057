package dev.darkroom.emulators.run;

import dev.darkroom.emulators.ManagedProcess;
import java.time.Instant;

/** Mutable state of one task of an execution; guarded by the {@link RunStore} monitor. */
final class TaskState {
  enum Phase {
    PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    boolean terminal() {
      return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
  }

  final int index;
  final Instant createTime;
  Phase phase = Phase.PENDING;
  /** Attempts started so far minus one, once the first attempt started; Cloud Run's {@code retried}. */
  int retried;
  int attemptsStarted;
  Instant startTime;
  Instant completionTime;
  Integer lastExitCode;
  int lastTermSignal;
  String lastMessage = "";
  ManagedProcess process;
  boolean killRequested;

  TaskState(int index, Instant createTime) {
    this.index = index;
    this.createTime = createTime;
  }
}
