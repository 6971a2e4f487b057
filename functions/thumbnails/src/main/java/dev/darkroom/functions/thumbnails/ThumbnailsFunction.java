package dev.darkroom.functions.thumbnails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.usecase.MakeThumbnail;
import dev.darkroom.gcp.Adapters;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by Eventarc's {@code google.cloud.storage.object.v1.finalized} on the outputs bucket
 * (every object written there, thumbnails included): previews each image output and records it on
 * its job ({@link MakeThumbnail}). An event it cannot read, or for another bucket, is acknowledged
 * with a WARNING; a store failure throws, so Eventarc delivers the event again.
 */
public final class ThumbnailsFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(ThumbnailsFunction.class);
  static final String FINALIZED = "google.cloud.storage.object.v1.finalized";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The use case and the bucket whose outputs it previews. */
  record Wiring(MakeThumbnail thumbnails, String bucket) {}

  private final Supplier<Wiring> wiring;

  public ThumbnailsFunction() {
    this(Suppliers.memoize(() -> {
      Adapters adapters = Adapters.fromEnvironment();
      return new Wiring(new MakeThumbnail(adapters.jobStore(), adapters.outputStore(), Clock.systemUTC()),
          adapters.env().require("OUTPUTS_BUCKET", "the Cloud Storage bucket for outputs"));
    }));
  }

  ThumbnailsFunction(Supplier<Wiring> wiring) {
    this.wiring = wiring;
  }

  @Override
  public void accept(CloudEvent event) {
    if (!FINALIZED.equals(event.getType()) || event.getData() == null) {
      log.warn("acknowledging event {} of type {}: not an object-finalize event", event.getId(), event.getType());
      return;
    }
    JsonNode object;
    try {
      object = JSON.readTree(event.getData().toBytes());
    } catch (IOException e) {
      log.warn("acknowledging event {}: its data is not JSON: {}", event.getId(), e.getMessage());
      return;
    }
    String objectBucket = object.path("bucket").asText("");
    String name = object.path("name").asText("");
    if (!objectBucket.equals(wiring.get().bucket()) || name.isEmpty()) {
      log.warn("acknowledging event {}: gs://{}/{} is not in the outputs bucket", event.getId(), objectBucket, name);
      return;
    }
    MakeThumbnail.Result result = wiring.get().thumbnails().handle(new MakeThumbnail.FinalizedObject(
        name, object.path("contentType").asText(null), object.path("size").asLong(0),
        object.path("generation").asLong(0)));
    log.debug("event {} for {}: {} ({})", event.getId(), name, result.outcome(), result.reason());
  }
}
