package dev.darkroom.functions.models;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.usecase.CheckModelFile;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.StorageCloudEvents;
import dev.darkroom.gcp.TriggeredEvents;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by Eventarc's {@code google.cloud.storage.object.v1.finalized} on the models bucket:
 * checks the file and records it {@code ready} or {@code refused} ({@link CheckModelFile}). An
 * event it cannot read, or for another bucket, is acknowledged with a WARNING; a read or store
 * failure throws, so Eventarc delivers the event again.
 */
public final class ModelsFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(ModelsFunction.class);

  /** The use case and the bucket whose files it checks. */
  record Wiring(CheckModelFile check, String bucket) {}

  private final Supplier<Wiring> wiring;

  public ModelsFunction() {
    ModelChecksConfig config = ModelChecksConfig.fromEnvironment();
    this.wiring = Suppliers.memoize(() -> {
      Adapters adapters = new Adapters(config.cloud());
      return new Wiring(new CheckModelFile(adapters.modelStore(config.models().collection()), adapters.modelFiles(config.models()),
          config.models().allowPickled(), Clock.systemUTC()), config.models().bucket());
    });
  }

  ModelsFunction(Supplier<Wiring> wiring) {
    this.wiring = wiring;
  }

  @Override
  public void accept(CloudEvent event) {
    TriggeredEvents.decode(event, "storage event", log, e -> StorageCloudEvents.finalizedIn(e, wiring.get().bucket()))
        .ifPresent(object -> {
          CheckModelFile.Result result = wiring.get().check().handle(object);
          log.info("event {} for {} generation {}: {} ({})", event.getId(), object.name(), object.generation(),
              result.outcome(), result.reason());
        });
  }
}
