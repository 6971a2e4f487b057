package dev.darkroom.bench.api;

import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.darkroom.gcp.GoogleClients;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The least a submit can do, with the clients the api uses ({@link GoogleClients}) on the same
 * emulators: one Firestore {@code create} of a document holding what the api stored for one job
 * (its job document and its prompt, merged), then one
 * Pub/Sub publish of a message the size of a job submission; and the least a job read can do, one
 * document {@code get}. Its documents live in a collection of their own that nothing else reads.
 */
final class Floor {
  static final String COLLECTION = "bench-floor-jobs";

  private final CollectionReference jobs;
  private final Publisher publisher;
  private final Map<String, Object> document;

  private Floor(CollectionReference jobs, Publisher publisher, Map<String, Object> document) {
    this.jobs = jobs;
    this.publisher = publisher;
    this.document = document;
  }

  /**
   * A floor whose documents copy the api's job {@code jobId} in {@code apiJobs} (so it writes what
   * the api writes, whatever shape the job document has), publishing to {@code topic}.
   */
  static Floor like(GoogleClients clients, String apiJobs, String jobId, String topic) throws Exception {
    DocumentSnapshot written = clients.firestore().collection(apiJobs).document(jobId).get().get(30, TimeUnit.SECONDS);
    if (!written.exists()) {
      throw new IllegalStateException("the api's job " + jobId + " is not in collection " + apiJobs
          + ": the floor has no document to copy");
    }
    // The api stores the prompt beside the job (jobs/{id}/prompt/body); the floor stores the same
    // data in the one document it creates, so that it writes no less than the api does.
    DocumentSnapshot prompt = written.getReference().collection("prompt").document("body").get()
        .get(30, TimeUnit.SECONDS);
    Map<String, Object> document = new LinkedHashMap<>(written.getData());
    if (prompt.exists()) {
      document.putAll(prompt.getData());
    }
    return new Floor(clients.firestore().collection(COLLECTION), clients.publisher(topic), document);
  }

  /** One create and one publish, in that order (the message must never name a job not yet stored). */
  String submit() throws InterruptedException, ExecutionException, TimeoutException {
    String id = UUID.randomUUID().toString();
    jobs.document(id).create(document).get(60, TimeUnit.SECONDS);
    String message = "{\"jobId\":\"" + id + "\",\"userId\":\"local\",\"attempt\":1}";
    publisher.publish(PubsubMessage.newBuilder().setData(ByteString.copyFrom(message, StandardCharsets.UTF_8)).build())
        .get(60, TimeUnit.SECONDS);
    return id;
  }

  /** One document get; fails if the document is not there. */
  void read(String id) throws InterruptedException, ExecutionException, TimeoutException {
    if (!jobs.document(id).get().get(60, TimeUnit.SECONDS).exists()) {
      throw new IllegalStateException("the floor's job " + id + " is gone");
    }
  }
}
