package dev.darkroom.gcp;

import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.TransactionOptions;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.port.JobStore;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/** {@link JobStore} on Firestore: {@code jobs/{jobId}}, each update one transaction. */
public final class FirestoreJobStore implements JobStore {
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

  private DocumentReference document(String jobId) {
    return firestore.collection(collection).document(jobId);
  }

  private static <T> T await(com.google.api.core.ApiFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
  }
}
