package dev.darkroom.emulators.eventarc;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An Eventarc Pub/Sub trigger: messages on {@code topic} go to {@code target} as CloudEvents.
 *
 * @param name trigger name; the bridge's subscription is {@code eventarc-<name>}
 * @param topic topic id (not the full path) in the bridge's project
 * @param target the function's URL, e.g. {@code http://127.0.0.1:8081/}
 * @param maxDeliveryAttempts attempts before dead-lettering; only applies with a dead-letter topic
 * @param minBackoff first retry delay (GCP default 10 s)
 * @param maxBackoff retry delay cap (GCP default 600 s)
 * @param deadLetterTopic topic id for messages that exhausted their attempts, or null to retry
 *     forever as Pub/Sub does without a dead-letter policy
 * @param eventType the CloudEvent type delivered: {@link #PUBSUB_MESSAGE_PUBLISHED} (null) or
 *     {@link #STORAGE_OBJECT_FINALIZED}
 */
public record TriggerSpec(
    String name,
    String topic,
    URI target,
    int maxDeliveryAttempts,
    Duration minBackoff,
    Duration maxBackoff,
    String deadLetterTopic,
    String eventType) {

  /** Eventarc's Pub/Sub event: the message wrapped as Pub/Sub's push body. The default. */
  public static final String PUBSUB_MESSAGE_PUBLISHED = MessagePublishedEvent.TYPE;
  /**
   * Eventarc's Cloud Storage event: the topic carries a bucket's {@code OBJECT_FINALIZE}
   * notifications (JSON_API_V1) and each becomes this CloudEvent, data the object's resource.
   */
  public static final String STORAGE_OBJECT_FINALIZED = StorageObjectEvent.FINALIZED;

  public static final int DEFAULT_MAX_DELIVERY_ATTEMPTS = 5;
  public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(600);

  // Pub/Sub resource ids: letters, digits and - _ . ~ + %; subscriptions must start with a letter.
  private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z][A-Za-z0-9._~+%-]{2,254}");

  public TriggerSpec {
    eventType = eventType == null ? PUBSUB_MESSAGE_PUBLISHED : eventType;
    if (!eventType.equals(PUBSUB_MESSAGE_PUBLISHED) && !eventType.equals(STORAGE_OBJECT_FINALIZED)) {
      throw new IllegalArgumentException("unsupported event type: " + eventType);
    }
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(minBackoff, "minBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (!RESOURCE_ID.matcher("eventarc-" + name).matches()) {
      throw new IllegalArgumentException("trigger name not usable in a subscription id: " + name);
    }
    requireResourceId("topic", topic);
    if (deadLetterTopic != null) {
      requireResourceId("deadLetterTopic", deadLetterTopic);
      if (deadLetterTopic.equals(topic)) {
        throw new IllegalArgumentException("dead-letter topic must differ from the trigger's topic: " + topic);
      }
    }
    if (!"http".equals(target.getScheme()) && !"https".equals(target.getScheme())) {
      throw new IllegalArgumentException("target must be an http(s) URL: " + target);
    }
    if (maxDeliveryAttempts < 1) {
      throw new IllegalArgumentException("maxDeliveryAttempts must be at least 1: " + maxDeliveryAttempts);
    }
    if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException(
          "need 0 < minBackoff <= maxBackoff, got " + minBackoff + " and " + maxBackoff);
    }
  }

  private static void requireResourceId(String what, String id) {
    if (!RESOURCE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(what + " is not a Pub/Sub resource id: " + id);
    }
  }

  /** A trigger with GCP's defaults: 5 attempts, backoff 10 s to 600 s, no dead-letter topic. */
  public static TriggerSpec of(String name, String topic, URI target) {
    return new TriggerSpec(
        name, topic, target, DEFAULT_MAX_DELIVERY_ATTEMPTS, DEFAULT_MIN_BACKOFF, DEFAULT_MAX_BACKOFF, null, null);
  }

  public TriggerSpec withBackoff(Duration min, Duration max) {
    return new TriggerSpec(name, topic, target, maxDeliveryAttempts, min, max, deadLetterTopic, eventType);
  }

  /** The same trigger delivering {@code type} events ({@link #STORAGE_OBJECT_FINALIZED}). */
  public TriggerSpec withEventType(String type) {
    return new TriggerSpec(name, topic, target, maxDeliveryAttempts, minBackoff, maxBackoff, deadLetterTopic, type);
  }

  public TriggerSpec withDeadLetter(String topic, int maxAttempts) {
    return new TriggerSpec(name, this.topic, target, maxAttempts, minBackoff, maxBackoff, topic, eventType);
  }

  /** The subscription id the bridge pulls from, named the way Eventarc names its own. */
  public String subscription() {
    return "eventarc-" + name;
  }

  /** Delay before attempt {@code failedAttempts + 1}: doubling from minBackoff, capped. */
  public Duration backoffAfter(int failedAttempts) {
    Duration delay = minBackoff;
    for (int i = 1; i < failedAttempts && delay.compareTo(maxBackoff) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
  }
}
