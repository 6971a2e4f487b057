package dev.darkroom.gcp;

import com.google.cloud.firestore.DocumentChange;
import com.google.cloud.firestore.Filter;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.ListenerRegistration;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobFeed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link JobFeed} on Firestore snapshot listeners over {@code jobs}: equality filters only, so
 * Firestore serves them from its single-field indexes and needs no composite index. The client
 * invokes each listener on one thread at a time, in order.
 */
public final class FirestoreJobFeed implements JobFeed {
  private static final List<String> UNFINISHED = Arrays.stream(JobStatus.values())
      .filter(s -> !s.isTerminal()).map(JobStatus::wireName).toList();

  private final Firestore firestore;
  private final String collection;

  public FirestoreJobFeed(Firestore firestore, String collection) {
    this.firestore = firestore;
    this.collection = collection;
  }

  @Override
  public Subscription jobsOfClient(String userId, String clientId, JobsListener listener) {
    AtomicBoolean first = new AtomicBoolean(true);
    ListenerRegistration registration = firestore.collection(collection)
        .where(Filter.and(Filter.equalTo("userId", userId), Filter.equalTo("clientId", clientId)))
        .addSnapshotListener((snapshot, error) -> {
          if (error != null) {
            listener.failed(error);
            return;
          }
          if (first.getAndSet(false)) {
            List<Job> jobs = new ArrayList<>();
            snapshot.getDocuments().forEach(doc -> jobs.add(JobDocuments.fromDocument(doc)));
            listener.current(jobs);
            return;
          }
          for (DocumentChange change : snapshot.getDocumentChanges()) {
            // A job document leaving the query means it was deleted: nothing to tell a client.
            if (change.getType() != DocumentChange.Type.REMOVED) {
              listener.changed(JobDocuments.fromDocument(change.getDocument()));
            }
          }
        });
    return registration::remove;
  }

  @Override
  public Subscription job(String jobId, JobsListener listener) {
    AtomicBoolean first = new AtomicBoolean(true);
    ListenerRegistration registration = firestore.collection(collection).document(jobId)
        .addSnapshotListener((snapshot, error) -> {
          if (error != null) {
            listener.failed(error);
            return;
          }
          if (first.getAndSet(false)) {
            listener.current(snapshot.exists() ? List.of(JobDocuments.fromDocument(snapshot)) : List.of());
          } else if (snapshot.exists()) {
            listener.changed(JobDocuments.fromDocument(snapshot));
          }
        });
    return registration::remove;
  }

  @Override
  public Subscription unfinishedJobsOf(String userId, QueueListener listener) {
    ListenerRegistration registration = firestore.collection(collection)
        .where(Filter.and(Filter.equalTo("userId", userId), Filter.inArray("status", UNFINISHED)))
        .addSnapshotListener((snapshot, error) -> {
          if (error != null) {
            listener.failed(error);
            return;
          }
          Set<String> ids = new LinkedHashSet<>();
          for (QueryDocumentSnapshot doc : snapshot.getDocuments()) {
            ids.add(doc.getId());
          }
          listener.unfinished(ids);
        });
    return registration::remove;
  }
}
