package dev.darkroom.gcp;

import com.google.cloud.firestore.FieldValue;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.SetOptions;
import dev.darkroom.core.port.WarmSignals;
import dev.darkroom.core.traffic.ArrivalProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * {@link WarmSignals} on Firestore: arrivals are the job documents created since an instant (an
 * aggregation count on {@code createdAt}, its single-field index), and idle time is one counter
 * document per UTC day, {@code {gpuSlots}/warm-idle-{yyyy-MM-dd}}, beside the slots (the pool
 * reads its slots by name, never the collection), incremented atomically by every task. The usual
 * traffic is one more document there, {@code warm-profile}: 168 rates (null for an hour not
 * covered), the typical job and when it was computed, about 2 kB.
 */
public final class FirestoreWarmSignals implements WarmSignals {
  static final String IDLE_SECONDS = "idleSeconds";
  static final String PROFILE = "warm-profile";

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

  /** One aggregation over the range, not two: a decision reads a minute or two of it at a time. */
  @Override
  public long arrivalsBetween(Instant from, Instant to) {
    return FirestoreJobStore.await(firestore.collection(jobs)
        .whereGreaterThanOrEqualTo("createdAt", JobDocuments.timestamp(from))
        .whereLessThan("createdAt", JobDocuments.timestamp(to)).count().get()).getCount();
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

  @Override
  public Optional<ArrivalProfile> profile() {
    var snapshot = FirestoreJobStore.await(firestore.collection(gpuSlots).document(PROFILE).get());
    if (!snapshot.exists()) {
      return Optional.empty();
    }
    List<?> stored = (List<?>) snapshot.get("ratePerHourOfWeek");
    double[] rates = new double[ArrivalProfile.HOURS_PER_WEEK];
    for (int h = 0; h < rates.length; h++) {
      Object rate = stored != null && h < stored.size() ? stored.get(h) : null;
      rates[h] = rate instanceof Number number ? number.doubleValue() : Double.NaN;
    }
    Number typicalJob = (Number) snapshot.get("typicalJobSeconds");
    return Optional.of(new ArrivalProfile(JobDocuments.instant(snapshot.getTimestamp("computedAt")), rates,
        typicalJob == null ? 0 : typicalJob.doubleValue()));
  }

  @Override
  public void saveProfile(ArrivalProfile profile) {
    List<Double> rates = new ArrayList<>(ArrivalProfile.HOURS_PER_WEEK);
    for (double rate : profile.ratePerHourOfWeek()) {
      rates.add(Double.isNaN(rate) ? null : rate);
    }
    Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("computedAt", JobDocuments.timestamp(profile.computedAt()));
    fields.put("ratePerHourOfWeek", rates);
    fields.put("typicalJobSeconds", profile.typicalJobSeconds());
    FirestoreJobStore.await(firestore.collection(gpuSlots).document(PROFILE).set(fields));
  }
}
