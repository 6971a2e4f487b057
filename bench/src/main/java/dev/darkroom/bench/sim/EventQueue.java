package dev.darkroom.bench.sim;

import java.util.PriorityQueue;

/** Discrete events in time order; events at the same millisecond run in the order they were scheduled. */
final class EventQueue {
  private record Event(long at, long order, Runnable action) {}

  private final PriorityQueue<Event> events = new PriorityQueue<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
  private final VirtualClock clock;
  private long scheduled;

  EventQueue(VirtualClock clock) {
    this.clock = clock;
  }

  void at(long millis, Runnable action) {
    events.add(new Event(Math.max(millis, clock.now()), scheduled++, action));
  }

  void after(long delayMillis, Runnable action) {
    at(clock.now() + delayMillis, action);
  }

  /** Runs every event, including those events schedule, until none is left. */
  void runAll() {
    Event next;
    while ((next = events.poll()) != null) {
      clock.advanceTo(next.at);
      next.action.run();
    }
  }
}
