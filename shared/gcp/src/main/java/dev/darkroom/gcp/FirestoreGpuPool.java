package dev.darkroom.gcp;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Precondition;
import dev.darkroom.core.event.SchemaVersion;
import dev.darkroom.core.port.GpuPool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * {@link GpuPool} on Firestore: one document per slot, {@code {collection}/slot-{i}} for i below
 * the cap, each {@code {schemaVersion, holder, leaseUntil, idle, loadedFingerprint?, left?,
 * updatedAt}} ({@link Slot}). Reads
 * are one batched get of the cap's documents (no query, no index); a reservation reads them all in
 * a transaction and writes the first free one, so Firestore's serializable transactions keep two
 * dispatches off one slot. Lowering the cap leaves tasks in the higher slots uncounted until they exit.
 */
public final class FirestoreGpuPool implements GpuPool {
  /** The version of the slot documents this code writes, and the newest it reads. */
  static final int SCHEMA_VERSION = 1;
  /** Renewals and releases race only with their own task's other writes. */
  private static final int RACE_ATTEMPTS = 5;

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
        idle += Slot.of(slot).idle() ? 1 : 0;
      }
    }
    return new Usage(cap, held, idle);
  }

  /**
   * Reads every slot, asks {@code wanted} given their usage, then tries the free-looking ones in random order, each with a conditional
   * write: {@code create} where the slot has no document, an update on the condition that the
   * document is unchanged since it was read where its lease ran out. The first write that succeeds
   * takes the slot; a lost race moves on to the next. No transaction: under a burst, transactions
   * of many dispatches on the same free slot waited on each other's locks for minutes on the
   * emulator, while conditional writes fail at once.
   */
  @Override
  public Optional<Lease> reserve(Instant now, Instant leaseUntil, Predicate<Usage> wanted) {
    List<DocumentSnapshot> candidates = new ArrayList<>();
    int idle = 0;
    for (DocumentSnapshot slot : FirestoreJobStore.await(firestore.getAll(refs()))) {
      if (!live(slot, now)) {
        candidates.add(slot);
      } else if (Slot.of(slot).idle()) {
        idle++;
      }
    }
    if (!wanted.test(new Usage(cap, cap - candidates.size(), idle))) {
      return Optional.empty();
    }
    Collections.shuffle(candidates);
    String holder = UUID.randomUUID().toString();
    for (DocumentSnapshot slot : candidates) {
      if (take(slot, new Slot(holder, leaseUntil, false))) {
        return Optional.of(new Lease(slot.getId(), holder));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean renew(Lease lease, boolean idle, String loadedFingerprint, Instant leaseUntil) {
    Slot renewed = new Slot(lease.holder(), leaseUntil, idle, loadedFingerprint);
    return whileHeld(lease, "renewal", slot -> slot.getReference().update(renewed.replacing(Timestamp.now()),
        Precondition.updatedAt(slot.getUpdateTime())));
  }

  @Override
  public Map<Lease, String> loadedOnOtherIdleTasks(Lease own, Instant now) {
    Map<Lease, String> loaded = new LinkedHashMap<>();
    for (DocumentSnapshot document : FirestoreJobStore.await(firestore.getAll(refs()))) {
      if (!live(document, now)) {
        continue;
      }
      Slot slot = Slot.of(document);
      if (slot.idle() && slot.loadedFingerprint() != null) {
        Lease lease = new Lease(document.getId(), slot.holder());
        if (!lease.equals(own)) {
          loaded.put(lease, slot.loadedFingerprint());
        }
      }
    }
    return loaded;
  }

  @Override
  public void release(Lease lease) {
    whileHeld(lease, "release", slot -> slot.getReference().delete(Precondition.updatedAt(slot.getUpdateTime())));
  }

  /** The slot keeps its holder, marked as left, with a lease that ends now: free for any reservation. */
  @Override
  public void leave(Lease lease, Instant now) {
    Slot left = Slot.left(lease.holder(), now);
    whileHeld(lease, "leave", slot -> slot.getReference().update(left.replacing(Timestamp.now()),
        Precondition.updatedAt(slot.getUpdateTime())));
  }

  @Override
  public boolean holds(Lease lease, Instant now) {
    DocumentSnapshot slot = FirestoreJobStore.await(slots.document(lease.slot()).get());
    return live(slot, now) && lease.holder().equals(Slot.of(slot).holder());
  }

  /** One read and one conditional write, as {@link #reserve} takes a free slot: a lost race adopts nothing. */
  @Override
  public Adoption adopt(Lease lease, Instant now, Instant leaseUntil) {
    if (!java.util.Arrays.stream(refs()).map(DocumentReference::getId).toList().contains(lease.slot())) {
      return Adoption.REFUSED;
    }
    DocumentSnapshot slot = FirestoreJobStore.await(slots.document(lease.slot()).get());
    if (live(slot, now)) {
      return Adoption.REFUSED;
    }
    if (slot.exists()) {
      Slot free = Slot.of(slot);
      if (free.left() && lease.holder().equals(free.holder())) {
        return Adoption.LEFT;
      }
    }
    return take(slot, new Slot(lease.holder(), leaseUntil, false)) ? Adoption.ADOPTED : Adoption.REFUSED;
  }

  /**
   * Writes {@code taken} over a free slot read as {@code slot}, on the condition that nobody wrote
   * it since: a create where it has no document, else an update of every field (so nothing of the
   * previous holder's, such as its loaded models, stays). False when another writer got there first.
   */
  private static boolean take(DocumentSnapshot slot, Slot taken) {
    Timestamp now = Timestamp.now();
    return slot.exists()
        ? conditionally(slot.getReference().update(taken.replacing(now), Precondition.updatedAt(slot.getUpdateTime())))
        : conditionally(slot.getReference().create(taken.fields(now)));
  }

  /**
   * Applies {@code write} (conditional on the slot being unchanged since read) while the slot is
   * {@code lease}'s, reading again after a write that raced with another; false when it is not the
   * lease's (any more), or its task left it. Only the task's own writes race here, so a few tries
   * suffice.
   */
  private boolean whileHeld(Lease lease, String what,
      java.util.function.Function<DocumentSnapshot, com.google.api.core.ApiFuture<?>> write) {
    DocumentReference ref = slots.document(lease.slot());
    for (int attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
      DocumentSnapshot slot = FirestoreJobStore.await(ref.get());
      Slot current = slot.exists() ? Slot.of(slot) : null;
      if (current == null || !lease.holder().equals(current.holder()) || current.left()) {
        return false;
      }
      if (conditionally(write.apply(slot))) {
        return true;
      }
    }
    throw new IllegalStateException("slot " + lease.slot() + " kept changing under its " + what);
  }

  /**
   * True when the conditional write was applied; false when its condition failed (the document
   * exists already, was changed, or is gone): another writer got there first.
   */
  /** True if the write was applied; false if another writer won the race to it. */
  static boolean conditionally(com.google.api.core.ApiFuture<?> write) {
    try {
      FirestoreJobStore.await(write);
      return true;
    } catch (RuntimeException e) {
      if (lostRace(e)) {
        return false;
      }
      throw e;
    }
  }

  /** A create or conditional write that another writer beat (exists, changed, or gone). */
  static boolean lostRace(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause()) {
      io.grpc.Status.Code code = null;
      if (e instanceof com.google.api.gax.rpc.ApiException api) {
        code = io.grpc.Status.Code.valueOf(api.getStatusCode().getCode().name());
      } else if (e instanceof io.grpc.StatusRuntimeException grpc) {
        code = grpc.getStatus().getCode();
      } else if (e instanceof com.google.cloud.firestore.FirestoreException firestore && firestore.getStatus() != null) {
        code = firestore.getStatus().getCode();
      }
      if (code == io.grpc.Status.Code.ALREADY_EXISTS || code == io.grpc.Status.Code.FAILED_PRECONDITION
          || code == io.grpc.Status.Code.NOT_FOUND) {
        return true;
      }
    }
    return false;
  }

  private DocumentReference[] refs() {
    List<DocumentReference> refs = new ArrayList<>(cap);
    for (int i = 0; i < cap; i++) {
      refs.add(slots.document("slot-" + i));
    }
    return refs.toArray(DocumentReference[]::new);
  }

  private static boolean live(DocumentSnapshot slot, Instant now) {
    return slot.exists() && Slot.of(slot).leasedAt(now);
  }

  /**
   * A slot document: dispatch writes it when it reserves the slot, the runner holding it renews
   * and releases it, dispatch and reconcile count it; so it carries its {@link SchemaVersion}
   * (missing: version 1; newer: refused). Golden examples: {@code src/test/resources/wire/v1/gpu-slot.json},
   * and {@code gpu-slot-idle-loaded.json} for a slot whose task said which models it has loaded.
   *
   * @param loadedFingerprint the models its task has loaded ({@link GpuPool#renew(Lease, boolean, String, Instant)});
   *     null, and absent from the document, when it said none (an optional field added to version 1:
   *     readers of before ignore it)
   * @param left its task gave it back as it exited ({@link GpuPool#leave}); absent when false (an
   *     optional field added to version 1: readers of before see a lease that ended, a free slot).
   *     Golden example: {@code gpu-slot-left.json}
   */
  record Slot(String holder, Instant leaseUntil, boolean idle, String loadedFingerprint, boolean left) {
    Slot(String holder, Instant leaseUntil, boolean idle) {
      this(holder, leaseUntil, idle, null, false);
    }

    Slot(String holder, Instant leaseUntil, boolean idle, String loadedFingerprint) {
      this(holder, leaseUntil, idle, loadedFingerprint, false);
    }

    /** The slot of a task that exited at {@code at}: its lease ends then. */
    static Slot left(String holder, Instant at) {
      return new Slot(holder, at, false, null, true);
    }

    static Slot of(DocumentSnapshot slot) {
      return of(slot.getId(), slot.getData());
    }

    static Slot of(String id, Map<String, Object> fields) {
      SchemaVersion.accepted(fields.get(SchemaVersion.FIELD), SCHEMA_VERSION, "GPU slot " + id);
      return new Slot((String) fields.get("holder"), JobDocuments.instant((Timestamp) fields.get("leaseUntil")),
          Boolean.TRUE.equals(fields.get("idle")), (String) fields.get("loadedFingerprint"),
          Boolean.TRUE.equals(fields.get("left")));
    }

    /** The document, written at {@code updatedAt} (for people reading it: races go by Firestore's update time). */
    Map<String, Object> fields(Timestamp updatedAt) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put(SchemaVersion.FIELD, SCHEMA_VERSION);
      fields.put("holder", holder);
      fields.put("leaseUntil", JobDocuments.timestamp(leaseUntil));
      fields.put("idle", idle);
      if (loadedFingerprint != null) {
        fields.put("loadedFingerprint", loadedFingerprint);
      }
      if (left) {
        fields.put("left", true);
      }
      fields.put("updatedAt", updatedAt);
      return fields;
    }

    /** The fields of an update that makes the document {@link #fields}: an optional field it lacks is deleted. */
    Map<String, Object> replacing(Timestamp updatedAt) {
      Map<String, Object> fields = fields(updatedAt);
      fields.putIfAbsent("loadedFingerprint", FieldValue.delete());
      fields.putIfAbsent("left", FieldValue.delete());
      return fields;
    }

    boolean leasedAt(Instant now) {
      return leaseUntil != null && leaseUntil.isAfter(now);
    }
  }
}
