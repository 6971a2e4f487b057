package dev.darkroom.gcp;

import dev.darkroom.core.event.Messages.MalformedMessageException;
import io.cloudevents.CloudEvent;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;

/**
 * The one decoding of what triggers a function (a Pub/Sub message from Eventarc, a Cloud Storage
 * event), with the rule for payloads that can never succeed: such an event is logged at WARNING with
 * its id and acknowledged (the function returns), since redelivering it would fail the same way
 * forever. Anything else a decoder throws propagates, so that the event is delivered again.
 */
public final class TriggeredEvents {
  private TriggeredEvents() {}

  /**
   * The Pub/Sub message of {@code event} as {@code type}; empty, having logged the WARNING on
   * {@code log}, if it is malformed.
   *
   * @param what what the message is, for the log line ("job event", "notification")
   */
  public static <T> Optional<T> message(CloudEvent event, Class<T> type, String what, Logger log) {
    return decode(event, what, log, e -> PubSubCloudEvents.message(e, type));
  }

  /**
   * What {@code decoder} makes of {@code event}; empty, having logged the WARNING on {@code log},
   * if it throws {@link MalformedMessageException}: the event can never be handled, acknowledge it.
   */
  public static <T> Optional<T> decode(CloudEvent event, String what, Logger log, Function<CloudEvent, T> decoder) {
    try {
      return Optional.of(decoder.apply(event));
    } catch (MalformedMessageException e) {
      log.warn("acknowledging malformed {} {}: {}", what, event.getId(), e.getMessage());
      return Optional.empty();
    }
  }
}
