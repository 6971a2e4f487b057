package dev.darkroom.gcp;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.TransactionOptions;
import dev.darkroom.core.port.GpuPool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link GpuPool} on Firestore: one document per slot, {@code {collection}/slot-{i}} for i below
 * the cap, each {@code {holder, leaseUntil, idle, updatedAt}}. Reads are one batched get of the
 * cap's documents (no query, no index); a reservation reads them all in a transaction and writes
 * the first free one, so Firestore's serializable transactions keep two dispatches off one slot.
 * Lowering the cap leaves tasks in the higher slots uncounted until they exit.
 */
public final class FirestoreGpuPool implements GpuPool {
  private static final int TRANSACTION_ATTEMPTS = 50;

  private final Firestore firestore;
  private final CollectionReference slots;
  private final int cap;

  public FirestoreGpuPool(Firestore firestore, String collection, int cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("a GPU pool needs at least one slot: " + cap);
    }
    this.firestore = firestore;
    this.slots = firestore.collection(collection);
    this.cap = cap;
  }

  @Override
  public int cap() {
    return cap;
  }

  @Override
  public Usage usage(Instant now) {
    int held = 0;
    int idle = 0;
    for (DocumentSnapshot slot : FirestoreJobStore.await(firestore.getAll(refs()))) {
      if (live(slot, now)) {
        held++;
        idle += Boolean.TRUE.equals(slot.getBoolean("idle")) ? 1 : 0;
      }
    }
    return new Usage(cap, held, idle);
  }

  /**
   * Reads every slot without a transaction, then tries the free-looking ones in random order, each
   * in a transaction of its own document that re-checks it is free. One document per transaction
   * keeps concurrent dispatches from locking each other's slots (a transaction over all of them
   * deadlocked the emulator under a burst), and the random order spreads them over the free slots.
   */
  @Override
  public Optional<Lease> reserve(Instant now, Instant leaseUntil) {
    List<DocumentReference> candidates = new ArrayList<>();
    for (DocumentSnapshot slot : FirestoreJobStore.await(firestore.getAll(refs()))) {
      if (!live(slot, now)) {
        candidates.add(slot.getReference());
      }
    }
    Collections.shuffle(candidates);
    String holder = UUID.randomUUID().toString();
    for (DocumentReference ref : candidates) {
      boolean taken = FirestoreJobStore.await(firestore.runTransaction(tx -> {
        if (live(tx.get(ref).get(), now)) {
          return false;
        }
        tx.set(ref, document(holder, leaseUntil, false));
        return true;
      }, options()));
      if (taken) {
        return Optional.of(new Lease(ref.getId(), holder));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean renew(Lease lease, boolean idle, Instant leaseUntil) {
    DocumentReference ref = slots.document(lease.slot());
    return FirestoreJobStore.await(firestore.runTransaction(tx -> {
      DocumentSnapshot slot = tx.get(ref).get();
      if (!lease.holder().equals(slot.getString("holder"))) {
        return false;
      }
      tx.set(ref, document(lease.holder(), leaseUntil, idle));
      return true;
    }, options()));
  }

  @Override
  public void release(Lease lease) {
    DocumentReference ref = slots.document(lease.slot());
    FirestoreJobStore.await(firestore.runTransaction(tx -> {
      if (lease.holder().equals(tx.get(ref).get().getString("holder"))) {
        tx.delete(ref);
      }
      return null;
    }, options()));
  }

  private DocumentReference[] refs() {
    List<DocumentReference> refs = new ArrayList<>(cap);
    for (int i = 0; i < cap; i++) {
      refs.add(slots.document("slot-" + i));
    }
    return refs.toArray(DocumentReference[]::new);
  }

  private static boolean live(DocumentSnapshot slot, Instant now) {
    Timestamp until = slot.exists() ? slot.getTimestamp("leaseUntil") : null;
    return until != null && JobDocuments.instant(until).isAfter(now);
  }

  private static Map<String, Object> document(String holder, Instant leaseUntil, boolean idle) {
    return Map.of("holder", holder, "leaseUntil", JobDocuments.timestamp(leaseUntil), "idle", idle,
        "updatedAt", Timestamp.now());
  }

  private static TransactionOptions options() {
    return TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(TRANSACTION_ATTEMPTS).build();
  }
}
