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
  private int refused;
  private int failed;
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

  /** Drops the faults no launch has used yet; the counts of those that happened stay. */
  synchronized void clear() {
    refusals = 0;
    failures = 0;
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
