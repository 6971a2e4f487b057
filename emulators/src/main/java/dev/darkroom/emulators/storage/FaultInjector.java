package dev.darkroom.emulators.storage;

import java.util.concurrent.atomic.AtomicInteger;

/** Fails the next n API requests with 503, so retry paths of clients can be exercised. */
final class FaultInjector {
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger served = new AtomicInteger();

  record State(int unavailable, int served) {}

  void failNext(int n) {
    if (n < 0) {
      throw GcsException.badRequest("'unavailable' must be zero or positive, got " + n);
    }
    pending.set(n);
  }

  /** True if this request must fail; each injected failure is used exactly once. */
  boolean takeFailure() {
    boolean fail = pending.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    if (fail) {
      served.incrementAndGet();
    }
    return fail;
  }

  State state() {
    return new State(pending.get(), served.get());
  }
}
