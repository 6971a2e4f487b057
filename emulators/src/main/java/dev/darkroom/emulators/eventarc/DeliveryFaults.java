package dev.darkroom.emulators.eventarc;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults a trigger injects into its deliveries, to exercise at-least-once handling.
 *
 * @param duplicates how many times each message is POSTed on its first attempt (1: normally)
 * @param reorderWindow buffer up to this many messages (or until a short flush timeout) and
 *     deliver them newest first; 0 or 1: no reordering
 * @param delay wait before a message's first attempt
 * @param dropAcks for the next this-many messages the function accepts, nack instead of ack so
 *     Pub/Sub redelivers them
 */
public record DeliveryFaults(int duplicates, int reorderWindow, Duration delay, int dropAcks) {

  public static final DeliveryFaults NONE = new DeliveryFaults(1, 0, Duration.ZERO, 0);

  public DeliveryFaults {
    Objects.requireNonNull(delay, "delay");
    if (duplicates < 1) {
      throw new IllegalArgumentException("duplicates must be at least 1: " + duplicates);
    }
    if (reorderWindow < 0 || dropAcks < 0 || delay.isNegative()) {
      throw new IllegalArgumentException("faults must not be negative: " + this);
    }
  }

  public DeliveryFaults withDuplicates(int copies) {
    return new DeliveryFaults(copies, reorderWindow, delay, dropAcks);
  }

  public DeliveryFaults withReorderWindow(int messages) {
    return new DeliveryFaults(duplicates, messages, delay, dropAcks);
  }

  public DeliveryFaults withDelay(Duration wait) {
    return new DeliveryFaults(duplicates, reorderWindow, wait, dropAcks);
  }

  public DeliveryFaults withDropAcks(int messages) {
    return new DeliveryFaults(duplicates, reorderWindow, delay, messages);
  }
}
