package dev.darkroom.bench.coldstart;

import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;

/**
 * The baseline of an event-triggered deployable's cold start: a CloudEvent function that accepts
 * anything (the invoker's CloudEvent path loads more of its own classes than the HTTP one).
 */
public final class HelloWorldEventFunction implements CloudEventsFunction {
  @Override
  public void accept(CloudEvent event) {
    // Acknowledged: nothing to do.
  }
}
