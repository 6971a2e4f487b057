package dev.darkroom.gcp;

import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Precondition;
import dev.darkroom.core.port.IdempotencyKeys;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link IdempotencyKeys} on Firestore: {@code idempotency_keys/{sha256(userId, key)}} with
 * {@code userId, requestHash, jobId, createdAt, expireAt}. The id is a hash so that any key (up
 * to 255 characters, slashes included) makes a valid document id, and the key itself is never
 * stored. A claim is a {@code create} (exactly one of concurrent creates succeeds) rather than a
 * transaction: twenty identical requests at once would otherwise contend and retry. Firestore's
 * TTL policy on {@code expireAt} (Terraform) deletes old records within a day or so of expiry; the
 * emulator has no TTL, and until deletion an expired record is read as absent and replaced by an
 * update conditional on the version read.
 */
public final class FirestoreIdempotencyKeys implements IdempotencyKeys {
  /** Each round loses only to a writer that stored a live record, which the next round returns. */
  private static final int ROUNDS = 5;

  private final CollectionReference records;

  public FirestoreIdempotencyKeys(Firestore firestore, String collection) {
    this.records = firestore.collection(collection);
  }

  @Override
  public Entry claim(Entry fresh, Instant now) {
    DocumentReference ref = records.document(documentId(fresh.userId(), fresh.key()));
    for (int round = 0; round < ROUNDS; round++) {
      DocumentSnapshot doc = FirestoreJobStore.await(ref.get());
      if (doc.exists()) {
        Entry stored = entry(doc, fresh.key());
        if (stored.liveAt(now)) {
          return stored;
        }
        if (FirestoreGpuPool.conditionally(ref.update(document(fresh), Precondition.updatedAt(doc.getUpdateTime())))) {
          return fresh;
        }
      } else if (FirestoreGpuPool.conditionally(ref.create(document(fresh)))) {
        return fresh;
      }
    }
    throw new IllegalStateException("idempotency key record " + ref.getId() + " kept changing under " + ROUNDS
        + " claims");
  }

  @Override
  public void release(String userId, String key, String jobId) {
    DocumentReference ref = records.document(documentId(userId, key));
    DocumentSnapshot doc = FirestoreJobStore.await(ref.get());
    if (doc.exists() && jobId.equals(doc.getString("jobId"))) {
      FirestoreGpuPool.conditionally(ref.delete(Precondition.updatedAt(doc.getUpdateTime())));
    }
  }

  /** Hex SHA-256 of the user id and the key, separated by a byte neither can hold. */
  static String documentId(String userId, String key) {
    return UserScopedIds.of(userId, key);
  }

  private static Map<String, Object> document(Entry entry) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("userId", entry.userId());
    doc.put("requestHash", entry.requestHash());
    doc.put("jobId", entry.jobId());
    doc.put("createdAt", JobDocuments.timestamp(entry.createdAt()));
    doc.put("expireAt", JobDocuments.timestamp(entry.expireAt()));
    return doc;
  }

  private static Entry entry(DocumentSnapshot doc, String key) {
    return new Entry(doc.getString("userId"), key, doc.getString("requestHash"), doc.getString("jobId"),
        JobDocuments.instant(doc.getTimestamp("createdAt")), JobDocuments.instant(doc.getTimestamp("expireAt")));
  }
}
