package dev.darkroom.emulators.run;

import io.grpc.Status;
import java.util.Optional;

/**
 * Faults injected into RunJob, counted down one launch at a time; set from any thread. Each fault a
 * launch answered with is counted, so a test can show that the fault it injected happened.
 */
final class LaunchFaults {
  private int refusals;
  private int failures;
  private int answersToLose;
  private int refused;
  private int failed;
  private int lostAnswers;
  private Status.Code failureCode = Status.Code.UNAVAILABLE;

  synchronized void refuseNext(int n) {
    refusals = requireCount(n);
  }

  synchronized void failNext(int n, Status.Code code) {
    if (code == Status.Code.OK) {
      throw new IllegalArgumentException("a failure needs an error code, not OK");
    }
    failures = requireCount(n);
    failureCode = code;
  }

  /** The error the next launch must answer with, if any; consumes one injected fault. */
  synchronized Optional<Status> nextLaunch() {
    if (refusals > 0) {
      refusals--;
      refused++;
      // Worded like the quota error a GPU job gets when the region's L4 quota is used up.
      return Optional.of(Status.RESOURCE_EXHAUSTED.withDescription(
          "Quota exceeded for quota metric 'Total Nvidia L4 GPU allocation, per project per region':"
              + " the execution could not be started (refusal injected by the emulator)"));
    }
    if (failures > 0) {
      failures--;
      failed++;
      return Optional.of(Status.fromCode(failureCode).withDescription(
          "the execution could not be started (failure injected by the emulator)"));
    }
    return Optional.empty();
  }

  synchronized void loseNextAnswers(int n) {
    answersToLose = requireCount(n);
  }

  /**
   * The error a launch that has created and started its execution must answer with instead of its
   * operation, if any (a {@code runJob} whose answer was lost); consumes one injected fault.
   */
  synchronized Optional<Status> answerOfStartedLaunch() {
    if (answersToLose == 0) {
      return Optional.empty();
    }
    answersToLose--;
    lostAnswers++;
    return Optional.of(Status.DEADLINE_EXCEEDED.withDescription(
        "the execution was created but its answer was lost (fault injected by the emulator)"));
  }

  /** Drops the faults no launch has used yet; the counts of those that happened stay. */
  synchronized void clear() {
    refusals = 0;
    failures = 0;
    answersToLose = 0;
  }

  synchronized int lostAnswers() {
    return lostAnswers;
  }

  synchronized int refused() {
    return refused;
  }

  synchronized int failed() {
    return failed;
  }

  private static int requireCount(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("count must not be negative: " + n);
    }
    return n;
  }
}
