package dev.darkroom.gcp;

import com.google.cloud.firestore.DocumentChange;
import com.google.cloud.firestore.Filter;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.ListenerRegistration;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.ClientJobWindow;
import dev.darkroom.core.port.JobFeed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@link JobFeed} on Firestore snapshot listeners over {@code jobs}. The client invokes each
 * listener on one thread at a time, in order.
 *
 * <p>A client's subscription follows two queries, merged by {@link ClientJobWindow}: its unfinished
 * jobs ({@code userId, clientId, status in ...}) and its jobs changed since the window's start
 * ({@code userId, clientId, updatedAt >=}), restarted from a new start every {@code recent}. A
 * listener holds every document its query matches, so following all of a client's jobs would hold
 * every job ever sent with that client id; these hold what the client has under way and did lately.
 * The first is served by merging single-field indexes; the second needs the composite index
 * {@code jobs: userId, clientId, updatedAt} (declared in Terraform; the emulator needs none).
 * A job whose outputs outgrew its document is reported with them all (its pages read with it).
 * The bounded delay: a job that ended more than {@code recent} (default
 * {@link ClientJobWindow#RECENT}, 5 minutes) before a socket opened is not in its first snapshot.
 */
public final class FirestoreJobFeed implements JobFeed {
  private static final List<String> UNFINISHED = Arrays.stream(JobStatus.values())
      .filter(s -> !s.isTerminal()).map(JobStatus::wireName).toList();

  /** Slides the windows of every subscription of this process; one daemon thread. */
  private static final class Slides {
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "job-feed-window");
      thread.setDaemon(true);
      return thread;
    });
  }

  private final Firestore firestore;
  private final String collection;
  private final Clock clock;
  private final Duration recent;
  /** Reads the pages of outputs of a job whose outputs outgrew its document ({@link JobDocuments#split}). */
  private final FirestoreJobStore jobs;

  public FirestoreJobFeed(Firestore firestore, String collection) {
    this(firestore, collection, Clock.systemUTC(), ClientJobWindow.RECENT);
  }

  /** @param recent how far back a client's subscription looks for jobs no longer unfinished */
  public FirestoreJobFeed(Firestore firestore, String collection, Clock clock, Duration recent) {
    this.firestore = firestore;
    this.collection = collection;
    this.clock = clock;
    this.recent = recent;
    this.jobs = new FirestoreJobStore(firestore, collection);
  }

  @Override
  public Subscription jobsOfClient(String userId, String clientId, JobsListener listener) {
    ClientJobWindow window = new ClientJobWindow(listener, clock.instant().minus(recent));
    Query ofClient = firestore.collection(collection)
        .where(Filter.and(Filter.equalTo("userId", userId), Filter.equalTo("clientId", clientId)));
    AtomicBoolean failed = new AtomicBoolean();
    Consumer<RuntimeException> fail = error -> {
      if (!failed.getAndSet(true)) {
        listener.failed(error);
      }
    };
    ListenerRegistration unfinished = follow(ofClient.whereIn("status", UNFINISHED),
        window::unfinishedAtFirst, window::changed, fail);
    Object lock = new Object();
    ListenerRegistration[] changedLately = {follow(recentSince(ofClient, window.since()),
        window::recentAtFirst, window::changed, fail)};
    boolean[] closed = {false};
    ScheduledFuture<?> sliding = Slides.TIMER.scheduleAtFixedRate(() -> {
      Instant since = clock.instant().minus(recent);
      synchronized (lock) {
        if (closed[0]) {
          return;
        }
        ListenerRegistration before = changedLately[0];
        // The new query's first snapshot goes through changed(): what the client knows is not news.
        changedLately[0] = follow(recentSince(ofClient, since), jobs -> jobs.forEach(window::changed),
            window::changed, fail);
        before.remove();
      }
      window.slide(since);
    }, recent.toMillis(), recent.toMillis(), TimeUnit.MILLISECONDS);
    return () -> {
      synchronized (lock) {
        closed[0] = true;
        sliding.cancel(false);
        unfinished.remove();
        changedLately[0].remove();
      }
    };
  }

  private static Query recentSince(Query ofClient, Instant since) {
    return ofClient.whereGreaterThanOrEqualTo("updatedAt", JobDocuments.timestamp(since));
  }

  /** A listener that hands its first snapshot to {@code first} and each later change to {@code changed}. */
  private ListenerRegistration follow(Query query, Consumer<List<Job>> first, Consumer<Job> changed,
      Consumer<RuntimeException> failed) {
    AtomicBoolean atFirst = new AtomicBoolean(true);
    return query.addSnapshotListener((snapshot, error) -> {
      if (error != null) {
        failed.accept(error);
        return;
      }
      try {
        if (atFirst.getAndSet(false)) {
          List<Job> found = new ArrayList<>();
          snapshot.getDocuments().forEach(doc -> found.add(jobs.read(doc)));
          first.accept(found);
          return;
        }
        for (DocumentChange change : snapshot.getDocumentChanges()) {
          // A document leaving one query (a job ended, or its last change fell out of the window)
          // is no news: the other query, or none, says what became of it.
          if (change.getType() != DocumentChange.Type.REMOVED) {
            changed.accept(jobs.read(change.getDocument()));
          }
        }
      } catch (RuntimeException e) { // reading a job's pages of outputs failed
        failed.accept(e);
      }
    });
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
            listener.current(snapshot.exists() ? List.of(jobs.read(snapshot)) : List.of());
          } else if (snapshot.exists()) {
            listener.changed(jobs.read(snapshot));
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
