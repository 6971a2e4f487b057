package dev.darkroom.bench.coldstart;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.job.Progress;
import dev.darkroom.gcp.PubSubCloudEvents;
import dev.darkroom.gcp.StorageCloudEvents;
import dev.darkroom.testing.EventarcEvents;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The representative first request of a function: what its trigger delivers, about a job that does
 * not exist, so that the function builds every client its use case needs and makes its first reads
 * (Firestore, the ledger) before it answers, but changes nothing.
 *
 * @param body a structured CloudEvent (JSON) for an event function; null for an HTTP GET
 */
record FirstRequest(String path, byte[] body) {

  /** What {@code deployable}'s trigger delivers; fails for a function this benchmark does not know yet. */
  static FirstRequest of(String deployable, Map<String, String> env) {
    String job = "p3-cold-start-" + UUID.randomUUID();
    Instant now = Instant.now();
    return switch (deployable) {
      case "api" -> new FirstRequest("/queue", null);
      case "dispatch" -> pubSub("job-submitted", Messages.encode(new JobSubmitted(job, "local", 1)), Map.of());
      case "job-events" -> pubSub("job-events",
          Messages.encode(new JobEvent.Progressed(job, 1, 0, now, new Progress("p3", 0, 1))), Map.of());
      case "reconcile" -> pubSub("reconcile-ticks",
          ("{\"scheduledAt\":\"" + now + "\"}").getBytes(StandardCharsets.UTF_8), Map.of());
      case "dead-letters" -> pubSub("job-submitted-dead-letter", Messages.encode(new JobSubmitted(job, "local", 1)),
          Map.of(PubSubCloudEvents.DEAD_LETTER_DELIVERY_COUNT, "5"));
      case "notify" -> pubSub("notifications",
          Messages.encode(new JobNotification(job + "/succeeded", job, "local", "success", now)), Map.of());
      case "thumbnails" -> finalized(job, env.get("OUTPUTS_BUCKET"), "outputs/local/" + job + "/p3.png", "image/png");
      // A model file the check finds gone (a later upload replaced it): it reads the model's record and
      // asks Storage for the object, as every check does, and acknowledges.
      case "models" -> finalized(job, env.get("MODELS_BUCKET"), "loras/p3-" + job + ".safetensors",
          "application/octet-stream");
      // A run of a deployment the local user does not have, on the local integration's inbound topic: it
      // looks the deployment up (Firestore) and publishes the refusal on the public topic.
      case "runs" -> pubSub(dev.darkroom.local.LocalStack.RUNS_LOCAL, ("{\"deployment\":\"" + job
          + "\",\"idempotency_key\":\"" + job + "\"}").getBytes(StandardCharsets.UTF_8), Map.of());
      default -> throw new IllegalStateException("p3 has no first request for the function " + deployable
          + ": add one to FirstRequest");
    };
  }

  boolean isEvent() {
    return body != null;
  }

  /** Cloud Storage's finalize event for {@code name} (100 bytes, generation 1) in {@code bucket}. */
  private static FirstRequest finalized(String id, String bucket, String name, String contentType) {
    return structured(CloudEventBuilder.v1()
        .withId(id)
        .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + bucket))
        .withType(StorageCloudEvents.FINALIZED)
        .withDataContentType("application/json")
        .withData(("{\"bucket\":\"" + bucket + "\",\"name\":\"" + name + "\",\"contentType\":\"" + contentType
            + "\",\"size\":\"100\",\"generation\":\"1\"}").getBytes(StandardCharsets.UTF_8))
        .build());
  }

  private static FirstRequest pubSub(String topic, byte[] data, Map<String, String> attributes) {
    return structured(EventarcEvents.messagePublished(topic, data, attributes));
  }

  private static FirstRequest structured(CloudEvent event) {
    return new FirstRequest("/", EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(event));
  }
}
