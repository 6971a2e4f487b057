package dev.darkroom.functions.thumbnails;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.usecase.MakeThumbnail;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.StorageCloudEvents;
import dev.darkroom.gcp.TriggeredEvents;
import io.cloudevents.CloudEvent;
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
  static final String FINALIZED = StorageCloudEvents.FINALIZED;

  /** The use case and the bucket whose outputs it previews. */
  record Wiring(MakeThumbnail thumbnails, String bucket) {}

  private final Supplier<Wiring> wiring;

  public ThumbnailsFunction() {
    ThumbnailsConfig config = ThumbnailsConfig.fromEnvironment();
    this.wiring = Suppliers.memoize(() -> {
      Adapters adapters = new Adapters(config.cloud());
      return new Wiring(new MakeThumbnail(adapters.jobStore(config.jobs()), adapters.outputStore(config.outputs()),
          Clock.systemUTC()), config.outputs().bucket());
    });
  }

  ThumbnailsFunction(Supplier<Wiring> wiring) {
    this.wiring = wiring;
  }

  @Override
  public void accept(CloudEvent event) {
    TriggeredEvents.decode(event, "storage event", log, e -> StorageCloudEvents.finalizedIn(e, wiring.get().bucket()))
        .ifPresent(object -> {
          MakeThumbnail.Result result = wiring.get().thumbnails().handle(object);
          log.debug("event {} for {}: {} ({})", event.getId(), object.name(), result.outcome(), result.reason());
        });
  }
}
