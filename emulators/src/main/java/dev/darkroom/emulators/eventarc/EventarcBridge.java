package dev.darkroom.emulators.eventarc;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eventarc for the local stack: for each {@link TriggerSpec}, pulls the trigger's topic from the
 * Pub/Sub emulator with the official client and POSTs every message to the function as the
 * binary-mode CloudEvent {@code google.cloud.pubsub.topic.v1.messagePublished}. A 2xx acks the
 * message; anything else is retried with doubling backoff and, when the trigger has a dead-letter
 * topic, forwarded there after {@code maxDeliveryAttempts}.
 */
public final class EventarcBridge implements AutoCloseable {
  /** Cloud Functions' default timeout, after which Eventarc counts a delivery as failed. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(EventarcBridge.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final String projectId;
  private final Duration requestTimeout;
  private final PubSubEmulatorChannels channels;
  private final TopicAdminClient topics;
  private final SubscriptionAdminClient subscriptions;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Trigger> triggers = new LinkedHashMap<>();
  private boolean closed;

  /** A bridge on the Pub/Sub emulator at {@code pubSubHostPort}, e.g. {@code 127.0.0.1:8085}. */
  public EventarcBridge(String pubSubHostPort, String projectId) {
    this(pubSubHostPort, projectId, DEFAULT_REQUEST_TIMEOUT);
  }

  public EventarcBridge(String pubSubHostPort, String projectId, Duration requestTimeout) {
    this.projectId = Objects.requireNonNull(projectId, "projectId");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.channels = PubSubEmulatorChannels.connect(Objects.requireNonNull(pubSubHostPort, "pubSubHostPort"));
    this.topics = channels.topicAdmin();
    this.subscriptions = channels.subscriptionAdmin();
    // HTTP/1.1 as Eventarc speaks to functions; no h2c upgrade dance with the function's server.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "eventarc-scheduler");
              thread.setDaemon(true);
              return thread;
            });
  }

  public String projectId() {
    return projectId;
  }

  /**
   * Creates the topic, the dead-letter topic and the subscription {@code eventarc-<name>} where
   * absent, and starts delivering. Messages published before the subscription existed are not
   * delivered, as with a new Eventarc trigger.
   */
  public synchronized Trigger addTrigger(TriggerSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (closed) {
      throw new IllegalStateException("bridge is closed");
    }
    if (triggers.containsKey(spec.name())) {
      throw new IllegalStateException("trigger already exists: " + spec.name());
    }
    TopicName topic = TopicName.of(projectId, spec.topic());
    ensureTopic(topic);
    Publisher deadLetterPublisher = null;
    if (spec.deadLetterTopic() != null) {
      TopicName deadLetterTopic = TopicName.of(projectId, spec.deadLetterTopic());
      ensureTopic(deadLetterTopic);
      try {
        deadLetterPublisher = channels.publisher(deadLetterTopic).build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot publish to " + deadLetterTopic, e);
      }
    }
    ensureSubscription(SubscriptionName.of(projectId, spec.subscription()), topic);
    Trigger trigger = new Trigger(spec, projectId, http, requestTimeout, scheduler, deadLetterPublisher);
    try {
      trigger.start(subscriptions);
    } catch (RuntimeException e) {
      trigger.stop(STOP_TIMEOUT);
      throw e;
    }
    triggers.put(spec.name(), trigger);
    log.info(
        "eventarc trigger={} topic={} subscription={} target={} maxAttempts={} backoff={}..{} deadLetter={}",
        spec.name(), spec.topic(), spec.subscription(), spec.target(), spec.maxDeliveryAttempts(),
        spec.minBackoff(), spec.maxBackoff(), spec.deadLetterTopic());
    return trigger;
  }

  /**
   * Stops delivering for {@code name}; messages it held are nacked and stay on the subscription,
   * which is kept so that a trigger added again under the same name resumes where it was.
   */
  public synchronized boolean removeTrigger(String name) {
    Trigger trigger = triggers.remove(name);
    if (trigger == null) {
      return false;
    }
    trigger.stop(STOP_TIMEOUT);
    log.info("eventarc trigger={} removed", name);
    return true;
  }

  public synchronized Optional<Trigger> trigger(String name) {
    return Optional.ofNullable(triggers.get(name));
  }

  public synchronized List<Trigger> triggers() {
    return List.copyOf(triggers.values());
  }

  private void ensureTopic(TopicName topic) {
    try {
      topics.createTopic(topic);
    } catch (AlreadyExistsException exists) {
      // shared topics are normal: several triggers, or publishers that created it first
    }
  }

  private void ensureSubscription(SubscriptionName name, TopicName topic) {
    try {
      subscriptions.createSubscription(
          Subscription.newBuilder()
              .setName(name.toString())
              .setTopic(topic.toString())
              .setAckDeadlineSeconds((int) Trigger.ACK_DEADLINE.toSeconds())
              .build());
    } catch (AlreadyExistsException exists) {
      String existingTopic = subscriptions.getSubscription(name).getTopic();
      if (!existingTopic.equals(topic.toString())) {
        throw new IllegalStateException(
            "subscription " + name + " already exists on " + existingTopic + ", not on " + topic);
      }
    }
  }

  /** Stops every trigger (held messages are nacked), then the clients and the channel. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Trigger trigger : triggers.values()) {
      trigger.stop(STOP_TIMEOUT);
    }
    triggers.clear();
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channels.close();
  }
}
