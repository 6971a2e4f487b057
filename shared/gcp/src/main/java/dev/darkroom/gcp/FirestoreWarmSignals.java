package dev.darkroom.gcp;

import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.SetOptions;
import dev.darkroom.core.port.WarmSignals;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * {@link WarmSignals} on Firestore: arrivals are the job documents created since an instant (an
 * aggregation count on {@code createdAt}, its single-field index), and idle time is one counter
 * document per UTC day, {@code {gpuSlots}/warm-idle-{yyyy-MM-dd}}, beside the slots (the pool
 * reads its slots by name, never the collection), incremented atomically by every task.
 */
public final class FirestoreWarmSignals implements WarmSignals {
  static final String IDLE_SECONDS = "idleSeconds";

  private final Firestore firestore;
  private final String jobs;
  private final String gpuSlots;

  public FirestoreWarmSignals(Firestore firestore, String jobsCollection, String gpuSlotsCollection) {
    this.firestore = firestore;
    this.jobs = jobsCollection;
    this.gpuSlots = gpuSlotsCollection;
  }

  @Override
  public long arrivalsSince(Instant since) {
    return FirestoreJobStore.await(firestore.collection(jobs)
        .whereGreaterThanOrEqualTo("createdAt", JobDocuments.timestamp(since)).count().get()).getCount();
  }

  @Override
  public double idleSecondsOn(LocalDate utcDay) {
    Object value = FirestoreJobStore.await(firestore.collection(gpuSlots).document(documentOf(utcDay)).get())
        .get(IDLE_SECONDS);
    return value instanceof Number number ? number.doubleValue() : 0;
  }

  @Override
  public void addIdleSeconds(Instant at, double seconds) {
    LocalDate day = at.atOffset(ZoneOffset.UTC).toLocalDate();
    FirestoreJobStore.await(firestore.collection(gpuSlots).document(documentOf(day))
        .set(Map.of(IDLE_SECONDS, FieldValue.increment(seconds)), SetOptions.merge()));
  }

  static String documentOf(LocalDate utcDay) {
    return "warm-idle-" + utcDay;
  }
}
