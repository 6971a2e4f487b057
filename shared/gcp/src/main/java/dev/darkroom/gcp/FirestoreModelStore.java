package dev.darkroom.gcp;

import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.port.ModelStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link ModelStore} on Firestore: {@code models/{folder}__{name}} (the name URL-encoded, since a
 * document id cannot hold its slashes), written in a transaction that reads the stored generation
 * first, so two deliveries of events of one object never let the older one win.
 */
public final class FirestoreModelStore implements ModelStore {
  /** How long a tombstone is kept: a week, the longest Pub/Sub keeps an undelivered event. */
  static final Duration TOMBSTONE_KEPT = Duration.ofDays(7);
  /** Every state but {@code deleted}: what {@link #list} asks for. */
  private static final List<String> LISTED_STATES = java.util.Arrays.stream(ModelRecord.State.values())
      .filter(state -> state != ModelRecord.State.DELETED).map(ModelRecord.State::wireName).toList();

  private final CollectionReference models;

  public FirestoreModelStore(Firestore firestore, String collection) {
    this.models = firestore.collection(collection);
  }

  static String documentId(String folder, String name) {
    return folder + "__" + URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  @Override
  public Optional<ModelRecord> get(String folder, String name) {
    DocumentSnapshot doc = FirestoreJobStore.await(models.document(documentId(folder, name)).get());
    return doc.exists() ? Optional.of(model(doc)) : Optional.empty();
  }

  @Override
  public ModelRecord put(ModelRecord model) {
    DocumentReference ref = models.document(documentId(model.folder(), model.name()));
    return FirestoreJobStore.await(models.getFirestore().runTransaction(tx -> {
      DocumentSnapshot doc = tx.get(ref).get();
      ModelRecord stored = doc.exists() ? model(doc) : null;
      if (!ModelStore.replaces(model, stored)) {
        return stored;
      }
      tx.set(ref, document(model));
      return model;
    }));
  }

  @Override
  public Optional<ModelRecord> compute(String folder, String name,
      java.util.function.Function<Optional<ModelRecord>, Optional<ModelRecord>> change) {
    DocumentReference ref = models.document(documentId(folder, name));
    return FirestoreJobStore.await(models.getFirestore().runTransaction(tx -> {
      DocumentSnapshot doc = tx.get(ref).get();
      Optional<ModelRecord> stored = doc.exists() ? Optional.of(model(doc)) : Optional.empty();
      Optional<ModelRecord> changed = change.apply(stored);
      if (changed.isEmpty()) {
        return stored;
      }
      tx.set(ref, document(changed.get()));
      return changed;
    }));
  }

  @Override
  public List<ModelRecord> list(String folder) {
    // Tombstones are left out by the query, not after it: deleted files never cost a read.
    var live = models.whereIn("state", LISTED_STATES);
    var query = folder == null ? live : live.whereEqualTo("folder", folder);
    return FirestoreJobStore.await(query.get()).getDocuments().stream().map(doc -> model(doc))
        .sorted(Comparator.comparing(ModelRecord::folder).thenComparing(ModelRecord::name)).toList();
  }

  private static Map<String, Object> document(ModelRecord model) {
    Map<String, Object> doc = new LinkedHashMap<>();
    if (model.deleted()) {
      // A tombstone only has to outlive the events of the generation it deleted (Pub/Sub keeps an
      // undelivered message 7 days at most): Firestore's TTL policy (Terraform) then removes it.
      doc.put("expireAt", JobDocuments.timestamp(Instant.now().plus(TOMBSTONE_KEPT)));
    }
    doc.put("folder", model.folder());
    doc.put("name", model.name());
    doc.put("generation", model.generation());
    doc.put("size", model.size());
    doc.put("sha256", model.sha256());
    doc.put("state", model.state().wireName());
    doc.put("reason", model.reason());
    doc.put("tensors", model.tensors());
    doc.put("dtypes", new LinkedHashMap<>(model.dtypes()));
    doc.put("addedAt", JobDocuments.timestamp(model.addedAt()));
    doc.put("addedBy", model.addedBy());
    if (model.imported() != null) {
      ModelRecord.Import imported = model.imported();
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("id", imported.id());
      fields.put("url", imported.url());
      fields.put("sealedToken", imported.sealedToken());
      fields.put("bytesDone", imported.bytesDone());
      fields.put("bytesTotal", imported.bytesTotal());
      fields.put("execution", imported.execution());
      fields.put("updatedAt", JobDocuments.timestamp(imported.updatedAt()));
      doc.put("import", fields);
    }
    return doc;
  }

  private static ModelRecord model(DocumentSnapshot doc) {
    Map<String, Integer> dtypes = new TreeMap<>();
    Object stored = doc.get("dtypes");
    if (stored instanceof Map<?, ?> map) {
      map.forEach((dtype, count) -> dtypes.put(dtype.toString(), ((Number) count).intValue()));
    }
    return new ModelRecord(doc.getString("folder"), doc.getString("name"), doc.getLong("generation"),
        doc.getLong("size"), doc.getString("sha256"),
        ModelRecord.State.valueOf(doc.getString("state").toUpperCase(java.util.Locale.ROOT)), doc.getString("reason"),
        doc.getLong("tensors").intValue(), new TreeMap<>(dtypes), JobDocuments.instant(doc.getTimestamp("addedAt")),
        doc.getString("addedBy"), imported(doc));
  }

  private static ModelRecord.Import imported(DocumentSnapshot doc) {
    if (doc.get("import") == null) {
      return null;
    }
    return new ModelRecord.Import(doc.getString("import.id"), doc.getString("import.url"),
        doc.getString("import.sealedToken"), doc.getLong("import.bytesDone"), doc.getLong("import.bytesTotal"),
        doc.getString("import.execution"), JobDocuments.instant(doc.getTimestamp("import.updatedAt")));
  }
}
