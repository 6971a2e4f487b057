package dev.darkroom.gcp;

import com.google.cloud.firestore.Blob;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.ListenerRegistration;
import dev.darkroom.core.job.LiveFrame;
import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobLiveStream;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link JobLiveStream} on Firestore: one document per job, {@code jobs_live/{jobId}}, holding its
 * window ({@code run, complete, frames: [{seq, text | binary, node}]}) and {@code expireAt}, a
 * day after the write, for Firestore's TTL policy (Terraform) to delete it. The runner replaces it
 * whole at most twice a second ({@code LiveRelay}), a window never exceeds
 * {@link LiveWindow#MAX_BYTES}: per job, at most two writes a second of under 1 MiB, and one read
 * per follower per write. Followers are snapshot listeners on the document.
 */
public final class FirestoreJobLiveStream implements JobLiveStream {
  static final Duration KEPT_FOR = Duration.ofDays(1);
  /**
   * A window replaces the document whole, so a commit the store could not finish, or could not say
   * it finished, is sent again: three tries within about a third of a second, well inside the
   * writer's interval budget, rather than a follower missing the window (or its end) for a hiccup.
   */
  private static final RetryPolicy<Object> RESEND = RetryPolicy.builder()
      .handleIf(GoogleErrors::mayResendIdempotentWrite)
      .withMaxAttempts(3)
      .withBackoff(Duration.ofMillis(100), Duration.ofMillis(400))
      .build();

  private final Firestore firestore;
  private final String collection;

  public FirestoreJobLiveStream(Firestore firestore, String collection) {
    this.firestore = firestore;
    this.collection = collection;
  }

  /** The collection of live documents beside a jobs collection: {@code jobs} has {@code jobs_live}. */
  static String collectionBeside(String jobsCollection) {
    return jobsCollection + "_live";
  }

  @Override
  public void write(String jobId, LiveWindow window) {
    Failsafe.with(RESEND).run(() -> FirestoreJobStore.await(document(jobId).set(fields(window))));
  }

  @Override
  public JobFeed.Subscription follow(String jobId, Listener listener) {
    ListenerRegistration registration = document(jobId).addSnapshotListener((snapshot, error) -> {
      if (error != null) {
        listener.failed(error);
        return;
      }
      listener.window(snapshot == null || !snapshot.exists() ? LiveWindow.NONE : window(snapshot));
    });
    return registration::remove;
  }

  private DocumentReference document(String jobId) {
    return firestore.collection(collection).document(jobId);
  }

  private static Map<String, Object> fields(LiveWindow window) {
    List<Map<String, Object>> frames = new ArrayList<>();
    for (LiveFrame frame : window.frames()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("seq", frame.sequence());
      if (frame.isBinary()) {
        entry.put("binary", Blob.fromBytes(frame.binary()));
      } else {
        entry.put("text", frame.text());
      }
      entry.put("node", frame.nodeId());
      frames.add(entry);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run", window.run());
    doc.put("complete", window.complete());
    doc.put("frames", frames);
    doc.put("expireAt", JobDocuments.timestamp(Instant.now().plus(KEPT_FOR)));
    return doc;
  }

  @SuppressWarnings("unchecked")
  private static LiveWindow window(DocumentSnapshot doc) {
    List<LiveFrame> frames = new ArrayList<>();
    Object stored = doc.get("frames");
    if (stored instanceof List<?> list) {
      for (Object item : list) {
        Map<String, Object> entry = (Map<String, Object>) item;
        long seq = ((Number) entry.get("seq")).longValue();
        String node = (String) entry.get("node");
        frames.add(entry.get("binary") instanceof Blob blob
            ? LiveFrame.binary(seq, blob.toBytes(), node)
            : LiveFrame.text(seq, (String) entry.get("text"), node));
      }
    }
    Long run = doc.getLong("run");
    return new LiveWindow(run == null ? 0 : run, frames, Boolean.TRUE.equals(doc.getBoolean("complete")));
  }
}
