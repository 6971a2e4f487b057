package dev.darkroom.testing;

import dev.darkroom.core.port.GpuPool;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/** {@link GpuPool} in memory, with the Firestore adapter's slot names and lease rules. */
public final class InMemoryGpuPool implements GpuPool {
  private record Slot(String holder, Instant leaseUntil, boolean idle, String loadedFingerprint, boolean left) {
    Slot(String holder, Instant leaseUntil, boolean idle) {
      this(holder, leaseUntil, idle, null, false);
    }
  }

  private final int cap;
  private final Map<String, Slot> slots = new HashMap<>();

  public InMemoryGpuPool(int cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("a GPU pool needs at least one slot: " + cap);
    }
    this.cap = cap;
  }

  @Override
  public int cap() {
    return cap;
  }

  @Override
  public synchronized Usage usage(Instant now) {
    int held = 0;
    int idle = 0;
    for (int i = 0; i < cap; i++) {
      Slot slot = slots.get(name(i));
      if (slot != null && slot.leaseUntil().isAfter(now)) {
        held++;
        idle += slot.idle() ? 1 : 0;
      }
    }
    return new Usage(cap, held, idle);
  }

  @Override
  public synchronized Optional<Lease> reserve(Instant now, Instant leaseUntil, Predicate<Usage> wanted) {
    if (!wanted.test(usage(now))) {
      return Optional.empty();
    }
    for (int i = 0; i < cap; i++) {
      Slot slot = slots.get(name(i));
      if (slot == null || !slot.leaseUntil().isAfter(now)) {
        Lease lease = new Lease(name(i), UUID.randomUUID().toString());
        slots.put(lease.slot(), new Slot(lease.holder(), leaseUntil, false));
        return Optional.of(lease);
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized boolean renew(Lease lease, boolean idle, String loadedFingerprint, Instant leaseUntil) {
    Slot slot = slots.get(lease.slot());
    if (slot == null || !slot.holder().equals(lease.holder()) || slot.left()) {
      return false;
    }
    slots.put(lease.slot(), new Slot(lease.holder(), leaseUntil, idle, loadedFingerprint, false));
    return true;
  }

  @Override
  public synchronized Map<Lease, String> loadedOnOtherIdleTasks(Lease own, Instant now) {
    Map<Lease, String> loaded = new LinkedHashMap<>();
    for (int i = 0; i < cap; i++) {
      Slot slot = slots.get(name(i));
      if (slot != null && slot.leaseUntil().isAfter(now) && slot.idle() && slot.loadedFingerprint() != null) {
        Lease lease = new Lease(name(i), slot.holder());
        if (!lease.equals(own)) {
          loaded.put(lease, slot.loadedFingerprint());
        }
      }
    }
    return loaded;
  }

  @Override
  public synchronized void release(Lease lease) {
    Slot slot = slots.get(lease.slot());
    if (slot != null && slot.holder().equals(lease.holder())) {
      slots.remove(lease.slot());
    }
  }

  @Override
  public synchronized void leave(Lease lease, Instant now) {
    Slot slot = slots.get(lease.slot());
    if (slot != null && slot.holder().equals(lease.holder())) {
      slots.put(lease.slot(), new Slot(lease.holder(), now, false, null, true));
    }
  }

  @Override
  public synchronized boolean holds(Lease lease, Instant now) {
    Slot slot = slots.get(lease.slot());
    return slot != null && slot.holder().equals(lease.holder()) && slot.leaseUntil().isAfter(now);
  }

  @Override
  public synchronized Adoption adopt(Lease lease, Instant now, Instant leaseUntil) {
    boolean inPool = java.util.stream.IntStream.range(0, cap).mapToObj(InMemoryGpuPool::name)
        .anyMatch(lease.slot()::equals);
    Slot slot = slots.get(lease.slot());
    if (!inPool || (slot != null && slot.leaseUntil().isAfter(now))) {
      return Adoption.REFUSED;
    }
    if (slot != null && slot.left() && slot.holder().equals(lease.holder())) {
      return Adoption.LEFT;
    }
    slots.put(lease.slot(), new Slot(lease.holder(), leaseUntil, false));
    return Adoption.ADOPTED;
  }

  static String name(int index) {
    return "slot-" + index;
  }
}
