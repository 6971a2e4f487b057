package dev.darkroom.functions.reconcile;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.usecase.ReconcileTick;
import dev.darkroom.gcp.Adapters;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by the {@code reconcile-ticks} topic, which Cloud Scheduler feeds every minute: one
 * {@link ReconcileTick} per tick (the job sweep, then the notifications whose retry is due, then,
 * under the keep-warm policy, the usual traffic refreshed and the warm set topped up). A tick
 * carries nothing to decode; a failed sweep throws, so Pub/Sub redelivers the tick, and whatever the
 * sweep did before failing stays done.
 */
public final class ReconcileFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(ReconcileFunction.class);

  private final Supplier<ReconcileTick> tick;

  public ReconcileFunction() {
    ReconcileConfig config = ReconcileConfig.fromEnvironment();
    this.tick = Suppliers.memoize(() -> ReconcileWiring.tick(config, new Adapters(config.cloud(), config.database()),
        Clock.systemUTC()));
  }

  ReconcileFunction(Supplier<ReconcileTick> tick) {
    this.tick = tick;
  }

  @Override
  public void accept(CloudEvent event) {
    log.info("reconcile tick {}: {}", event.getId(), tick.get().run());
  }
}
