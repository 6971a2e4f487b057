package dev.darkroom.gcp;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.TransactionOptions;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.port.JobStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/** {@link JobStore} on Firestore: {@code jobs/{jobId}}, each update one transaction. */
public final class FirestoreJobStore implements JobStore {
  /** The most disjunctions (in normal form) Firestore allows in one query. */
  private static final int DISJUNCTIONS = 30;

  /**
   * Measured on the emulator: 8 writers contending on one document need more than the client's
   * default 5 attempts; claims and event updates are exactly that pattern.
   */
  private static final int TRANSACTION_ATTEMPTS = 50;

  private final Firestore firestore;
  private final String collection;

  public FirestoreJobStore(Firestore firestore, String collection) {
    this.firestore = firestore;
    this.collection = collection;
  }

  public FirestoreJobStore(Firestore firestore) {
    this(firestore, "jobs");
  }

  @Override
  public Optional<Job> get(String jobId) {
    DocumentSnapshot doc = await(document(jobId).get());
    return doc.exists() ? Optional.of(JobDocuments.fromDocument(doc)) : Optional.empty();
  }

  @Override
  public <T> T update(String jobId, JobChange<T> change) {
    DocumentReference ref = document(jobId);
    return await(firestore.runTransaction(tx -> {
      DocumentSnapshot doc = tx.get(ref).get();
      JobChange.Outcome<T> outcome = change.decide(
          doc.exists() ? Optional.of(JobDocuments.fromDocument(doc)) : Optional.empty());
      if (outcome.write() != null) {
        tx.set(ref, JobDocuments.toDocument(outcome.write()));
      }
      return outcome.result();
    }, TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(TRANSACTION_ATTEMPTS).build()));
  }

  /**
   * Needs the composite index {@code jobs: userId ASC, status ASC, createdAt DESC} (declared in
   * Terraform; the emulator needs none).
   */
  @Override
  public List<Job> listForUser(String userId, Set<JobStatus> statuses, int limit) {
    if (statuses.isEmpty() || limit <= 0) {
      return List.of();
    }
    List<String> wireNames = statuses.stream().map(JobStatus::wireName).toList();
    return jobs(firestore.collection(collection)
        .whereEqualTo("userId", userId)
        .whereIn("status", List.copyOf(wireNames))
        .orderBy("createdAt", Query.Direction.DESCENDING), limit);
  }

  /**
   * One query for up to {@value #DISJUNCTIONS} users-by-statuses pairs (Firestore's limit on the
   * disjunctions of one query: users × statuses), more only past that. Served by the
   * {@code userId, status} prefix of the index {@link #listForUser} uses.
   */
  @Override
  public List<Job> listForUsers(Set<String> userIds, Set<JobStatus> statuses, int limit) {
    if (userIds.isEmpty() || statuses.isEmpty() || limit <= 0) {
      return List.of();
    }
    List<String> wireNames = statuses.stream().map(JobStatus::wireName).sorted().toList();
    List<String> users = userIds.stream().sorted().toList();
    int usersPerQuery = Math.max(1, DISJUNCTIONS / wireNames.size());
    List<Job> found = new java.util.ArrayList<>();
    for (int from = 0; from < users.size() && found.size() < limit; from += usersPerQuery) {
      found.addAll(jobs(firestore.collection(collection)
          .whereIn("userId", List.copyOf(users.subList(from, Math.min(users.size(), from + usersPerQuery))))
          .whereIn("status", wireNames), limit - found.size()));
    }
    return found;
  }

  /**
   * Always filters on status ({@code in} every status when the page names none), so one
   * composite index serves every page: {@code jobs: userId ASC, status ASC, createdAt DESC}, with
   * the document id, which Firestore appends in the last field's direction, breaking ties.
   */
  @Override
  public List<Job> pageForUser(String userId, Page page) {
    if (page.limit() <= 0) {
      return List.of();
    }
    Set<JobStatus> statuses = page.statuses().isEmpty() ? Set.of(JobStatus.values()) : page.statuses();
    Query query = firestore.collection(collection)
        .whereEqualTo("userId", userId)
        .whereIn("status", statuses.stream().map(JobStatus::wireName).sorted().toList());
    if (page.createdAfter() != null) {
      query = query.whereGreaterThan("createdAt", JobDocuments.timestamp(page.createdAfter()));
    }
    if (page.createdBefore() != null) {
      query = query.whereLessThan("createdAt", JobDocuments.timestamp(page.createdBefore()));
    }
    query = query.orderBy("createdAt", Query.Direction.DESCENDING)
        .orderBy(FieldPath.documentId(), Query.Direction.DESCENDING);
    if (page.after() != null) {
      query = query.startAfter(JobDocuments.timestamp(page.after().createdAt()), page.after().jobId());
    }
    return jobs(query, page.limit());
  }

  /** Needs the composite index (status, fingerprint, number) that Terraform declares. */
  @Override
  public List<Job> queuedWithFingerprint(String fingerprint, int limit) {
    return jobs(firestore.collection(collection)
        .whereEqualTo("status", JobStatus.QUEUED.wireName())
        .whereEqualTo("fingerprint", fingerprint)
        .orderBy("number", Query.Direction.ASCENDING), limit);
  }

  /** Needs the composite index (status, number) that Terraform declares. */
  @Override
  public List<Job> queued(int limit) {
    return jobs(firestore.collection(collection)
        .whereEqualTo("status", JobStatus.QUEUED.wireName())
        .orderBy("number", Query.Direction.ASCENDING), limit);
  }

  /** Needs the composite index (status, updatedAt) that Terraform declares. */
  @Override
  public List<Job> unchangedSince(JobStatus status, java.time.Instant updatedBefore, int limit) {
    return jobs(firestore.collection(collection)
        .whereEqualTo("status", status.wireName())
        .whereLessThan("updatedAt", JobDocuments.timestamp(updatedBefore))
        .orderBy("updatedAt", Query.Direction.ASCENDING), limit);
  }

  @Override
  public long count(JobStatus status) {
    return await(firestore.collection(collection).whereEqualTo("status", status.wireName()).count().get()).getCount();
  }

  /** The first {@code limit} jobs the query finds (none for a limit below one). */
  private static List<Job> jobs(Query query, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return await(query.limit(limit).get()).getDocuments().stream().map(JobDocuments::fromDocument).toList();
  }

  private DocumentReference document(String jobId) {
    return firestore.collection(collection).document(jobId);
  }

  /**
   * The future's value; Firestore's own exceptions unwrapped, as the callers' contracts promise,
   * and those a retry may cure (a contended transaction, an unavailable backend) translated into
   * core's {@link dev.darkroom.core.port.StoreUnavailableException}.
   */
  static <T> T await(com.google.api.core.ApiFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw GoogleErrors.translatedCause(e.getCause());
    }
  }
}
