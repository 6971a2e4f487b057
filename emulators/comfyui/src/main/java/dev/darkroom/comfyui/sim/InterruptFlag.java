package dev.darkroom.comfyui.sim;

import java.time.Duration;

/**
 * ComfyUI's global "interrupt processing" flag: set by {@code POST /interrupt}, checked before
 * each node and at each progress tick, reset when a prompt starts. Waiting on it lets a step or a
 * hung node end as soon as an interrupt arrives instead of sleeping through it.
 */
final class InterruptFlag {

  private boolean set;

  synchronized void set() {
    set = true;
    notifyAll();
  }

  synchronized void reset() {
    set = false;
  }

  synchronized boolean isSet() {
    return set;
  }

  /** Waits up to {@code time} (forever when null); true if the flag is set. */
  synchronized boolean awaitFor(Duration time) throws InterruptedException {
    if (time == null) {
      while (!set) wait();
      return true;
    }
    long deadline = System.nanoTime() + time.toNanos();
    while (!set) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      wait(Math.max(1, left / 1_000_000), (int) (left % 1_000_000 == 0 ? 0 : 0));
    }
    return true;
  }
}
