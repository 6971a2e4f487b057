package dev.darkroom.emulators.eventarc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.functions.invoker.BackgroundFunctionExecutor;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.darkroom.emulators.LoopbackPorts;
import dev.darkroom.emulators.eventarc.RecordingFunction.Received;
import dev.darkroom.emulators.google.PubSubEmulator;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

class EventarcBridgeIT {
  private static final String PROJECT = "demo-darkroom";
  private static final Duration MIN_BACKOFF = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofMillis(1600);
  private static final AtomicInteger NAMES = new AtomicInteger();

  private static PubSubEmulator pubSub;
  private static PubSubEmulatorChannels channels;
  private static Server functionServer;
  private static URI functionUrl;

  private EventarcBridge bridge;
  private String topic;
  private String triggerName;
  private final List<Publisher> publishers = new ArrayList<>();
  private final List<Subscriber> subscribers = new ArrayList<>();

  @BeforeAll
  static void startPubSubAndFunction() throws Exception {
    pubSub = PubSubEmulator.start(0);
    channels = PubSubEmulatorChannels.connect(pubSub.hostPort());
    // Hosted the way the Functions Framework's Invoker hosts a CloudEvent function, on loopback.
    functionServer = new Server();
    ServerConnector connector = new ServerConnector(functionServer);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    functionServer.addConnector(connector);
    functionServer.setHandler(BackgroundFunctionExecutor.forClass(RecordingFunction.class));
    functionServer.start();
    functionUrl = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @AfterAll
  static void stopPubSubAndFunction() throws Exception {
    if (functionServer != null) {
      functionServer.stop();
    }
    if (channels != null) {
      channels.close();
    }
    if (pubSub != null) {
      pubSub.close();
    }
  }

  // A fresh topic and trigger per test: the emulator can withhold messages from a subscription
  // whose previous subscriber just stopped.
  @BeforeEach
  void freshNames(TestInfo test) {
    int n = NAMES.incrementAndGet();
    topic = "topic-" + n + "-" + test.getTestMethod().orElseThrow().getName();
    triggerName = "t" + n;
    bridge = new EventarcBridge(pubSub.hostPort(), PROJECT, Duration.ofSeconds(10));
  }

  @AfterEach
  void closeClients() throws Exception {
    for (Subscriber subscriber : subscribers) {
      subscriber.stopAsync().awaitTerminated(10, TimeUnit.SECONDS);
    }
    for (Publisher publisher : publishers) {
      publisher.shutdown();
      publisher.awaitTermination(10, TimeUnit.SECONDS);
    }
    bridge.close();
  }

  @Test
  void deliversOneMessageAsTheCloudEventEventarcSends() throws Exception {
    Trigger trigger = bridge.addTrigger(spec());

    String messageId = publish(message("{\"jobId\":\"job-1\"}", Map.of("kind", "JobSubmitted")));

    await().atMost(Duration.ofSeconds(10)).until(() -> trigger.stats().succeeded() == 1);
    List<Received> received = RecordingFunction.from(PROJECT, topic);
    assertThat(received).hasSize(1);
    Received event = received.get(0);
    assertThat(event.id()).isEqualTo(messageId);
    assertThat(event.event().getSpecVersion().toString()).isEqualTo("1.0");
    assertThat(event.event().getType()).isEqualTo("google.cloud.pubsub.topic.v1.messagePublished");
    assertThat(event.event().getSource())
        .hasToString("//pubsub.googleapis.com/projects/" + PROJECT + "/topics/" + topic);
    assertThat(event.event().getDataContentType()).isEqualTo("application/json");
    assertThat(event.event().getTime()).isNotNull();

    var message = event.message();
    assertThat(new String(Base64.getDecoder().decode(message.path("data").asText())))
        .isEqualTo("{\"jobId\":\"job-1\"}");
    assertThat(event.attribute("kind")).isEqualTo("JobSubmitted");
    assertThat(message.path("messageId").asText()).isEqualTo(messageId);
    assertThat(message.path("message_id").asText()).isEqualTo(messageId);
    assertThat(Instant.parse(message.path("publishTime").asText()))
        .isEqualTo(event.event().getTime().toInstant());
    assertThat(message.path("publish_time").asText()).isEqualTo(message.path("publishTime").asText());
    assertThat(message.has("orderingKey")).isFalse();
    assertThat(event.data().path("subscription").asText())
        .isEqualTo("projects/" + PROJECT + "/subscriptions/eventarc-" + triggerName);
    assertThat(event.data().has("deliveryAttempt")).isFalse();
    assertThat(trigger.stats()).isEqualTo(new TriggerStats(1, 1, 0, 0, 0, 0));
  }

  @Test
  void retriesAfterA500WithGrowingDelays() throws Exception {
    Trigger trigger = bridge.addTrigger(spec());

    String messageId = publish(message("retry me", Map.of("failTimes", "3")));

    await().atMost(Duration.ofSeconds(15)).until(() -> trigger.stats().succeeded() == 1);
    List<Received> received = RecordingFunction.from(PROJECT, topic);
    assertThat(received).hasSize(4).allMatch(event -> event.id().equals(messageId));
    // Each retry waited out at least its own backoff, and the backoffs double (200, 400, 800 ms), so
    // the delays grow. Lower bounds only: a slow machine lengthens a gap, it never shortens one.
    assertThat(List.of(spec().backoffAfter(1), spec().backoffAfter(2), spec().backoffAfter(3)))
        .containsExactly(MIN_BACKOFF, MIN_BACKOFF.multipliedBy(2), MIN_BACKOFF.multipliedBy(4));
    for (int attempt = 1; attempt <= 3; attempt++) {
      Duration gap = Duration.ofNanos(received.get(attempt).receivedNanos() - received.get(attempt - 1).receivedNanos());
      assertThat(gap).as("the wait before attempt %d", attempt + 1).isGreaterThanOrEqualTo(spec().backoffAfter(attempt));
    }
    assertThat(received.get(0).data().has("deliveryAttempt")).isFalse();
    assertThat(received.get(3).data().path("deliveryAttempt").asInt()).isEqualTo(4);
    assertThat(trigger.stats()).isEqualTo(new TriggerStats(4, 1, 3, 0, 0, 0));
    assertThat(trigger.deliveries()).extracting(DeliveryRecord::status).containsExactly(500, 500, 500, 200);
  }

  @Test
  void deadLettersAfterMaxAttempts() throws Exception {
    String deadLetterTopic = topic + "-dead";
    Trigger trigger = bridge.addTrigger(spec().withDeadLetter(deadLetterTopic, 3));
    ConcurrentLinkedQueue<PubsubMessage> deadLetters = subscribe(deadLetterTopic);

    String messageId = publish(message("never works", Map.of("failTimes", "always", "jobId", "job-9")));

    await().atMost(Duration.ofSeconds(15)).until(() -> !deadLetters.isEmpty());
    PubsubMessage deadLetter = deadLetters.peek();
    assertThat(deadLetter.getData().toStringUtf8()).isEqualTo("never works");
    assertThat(deadLetter.getAttributesMap())
        .containsEntry("jobId", "job-9")
        .containsEntry("CloudPubSubDeadLetterSourceDeliveryCount", "3")
        .containsEntry("CloudPubSubDeadLetterSourceSubscription", "eventarc-" + triggerName)
        .containsEntry("CloudPubSubDeadLetterSourceSubscriptionProject", PROJECT)
        .containsKey("CloudPubSubDeadLetterSourceTopicPublishTime");
    assertThat(RecordingFunction.from(PROJECT, topic))
        .hasSize(3)
        .allMatch(event -> event.id().equals(messageId));
    await().atMost(Duration.ofSeconds(5)).until(() -> trigger.stats().deadLettered() == 1);
    assertThat(trigger.stats()).isEqualTo(new TriggerStats(3, 0, 3, 1, 0, 0));
  }

  @Test
  void deliversEachMessageNTimesWhenAskedTo() throws Exception {
    Trigger trigger = bridge.addTrigger(spec());
    trigger.setFaults(DeliveryFaults.NONE.withDuplicates(3));

    String messageId = publish(message("twice more", Map.of()));

    await().atMost(Duration.ofSeconds(10)).until(() -> trigger.stats().succeeded() == 3);
    assertThat(RecordingFunction.from(PROJECT, topic))
        .extracting(Received::id)
        .containsExactly(messageId, messageId, messageId);
    assertThat(trigger.stats()).isEqualTo(new TriggerStats(3, 3, 0, 0, 2, 0));
  }

  @Test
  void reordersWithinTheWindow() throws Exception {
    Trigger trigger = bridge.addTrigger(spec());
    trigger.setFaults(DeliveryFaults.NONE.withReorderWindow(5));

    List<String> published = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      published.add(publish(message("message " + i, Map.of())));
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> trigger.stats().succeeded() == 5);
    List<String> delivered =
        RecordingFunction.from(PROJECT, topic).stream().map(Received::id).toList();
    assertThat(delivered).containsExactlyInAnyOrderElementsOf(published).isNotEqualTo(published);
  }

  @Test
  void aDroppedAckMakesPubSubRedeliver() throws Exception {
    Trigger trigger = bridge.addTrigger(spec());
    trigger.setFaults(DeliveryFaults.NONE.withDropAcks(1));

    String messageId = publish(message("ack me twice", Map.of()));

    await().atMost(Duration.ofSeconds(15)).until(() -> trigger.stats().succeeded() >= 2);
    List<Received> received = RecordingFunction.from(PROJECT, topic);
    assertThat(received).hasSizeGreaterThanOrEqualTo(2).allMatch(event -> event.id().equals(messageId));
    assertThat(received.get(1).data().path("deliveryAttempt").asInt()).isEqualTo(2);
    assertThat(trigger.stats().acksDropped()).isEqualTo(1);
    assertThat(trigger.stats().failed()).isZero();
  }

  @Test
  void delaysDeliveryWhenAskedTo() throws Exception {
    Trigger trigger = bridge.addTrigger(spec());
    Duration delay = Duration.ofMillis(1500);
    trigger.setFaults(DeliveryFaults.NONE.withDelay(delay));

    long before = System.nanoTime();
    publish(message("later", Map.of()));

    await().atMost(Duration.ofSeconds(10)).until(() -> trigger.stats().succeeded() == 1);
    Received event = RecordingFunction.from(PROJECT, topic).get(0);
    assertThat(Duration.ofNanos(event.receivedNanos() - before)).isGreaterThanOrEqualTo(delay);
  }

  // Two things the streaming client got wrong against the emulator: after 20 s without traffic it
  // closed its stream, and a message in flight then waited for its ack deadline (30 to 70 s late);
  // and a message held longer than the ack deadline must not come back while it is held.
  @Test
  void aMessageAfterAnIdleSpellIsDeliveredAtOnceAndAHeldOneIsNotRedelivered() throws Exception {
    Trigger trigger = bridge.addTrigger(spec());
    Duration hold = Trigger.ACK_DEADLINE.plusSeconds(5);
    trigger.setFaults(DeliveryFaults.NONE.withDelay(hold));
    long start = System.nanoTime();
    String heldId = publish(message("held past its ack deadline", Map.of()));
    await().atMost(Duration.ofSeconds(10)).until(() -> trigger.heldCount() == 1);
    trigger.setFaults(DeliveryFaults.NONE);

    // Nothing flows until a pull has waited out the idle limit with nothing to deliver.
    long idleBefore = trigger.idlePulls();
    await("a pull that idled out its whole timeout").atMost(Duration.ofMinutes(1))
        .until(() -> trigger.idlePulls() > idleBefore);
    String laterId = publish(message("after an idle spell", Map.of()));

    // A late delivery waited out an ack deadline (30 s); this bound on the wait tells the two apart.
    await("the message published after the idle spell delivered before an ack deadline could run out")
        .atMost(Trigger.ACK_DEADLINE.minusSeconds(5)).until(() -> trigger.stats().succeeded() == 1);
    Received later = RecordingFunction.from(PROJECT, topic).get(0);
    assertThat(later.id()).isEqualTo(laterId);

    await("the held message delivered once its hold ended").atMost(hold.plusSeconds(15))
        .until(() -> trigger.stats().succeeded() == 2);
    // Acked: Pub/Sub will not hand it out again. A redelivery while it was held would have been
    // posted at once (the delay fault was off by then): before the hold ended, so a third POST.
    await("the held message acked").atMost(Duration.ofSeconds(10)).until(() -> trigger.heldCount() == 0);
    List<Received> received = RecordingFunction.from(PROJECT, topic);
    assertThat(received).extracting(Received::id).containsExactly(laterId, heldId);
    assertThat(Duration.ofNanos(received.get(1).receivedNanos() - start)).isGreaterThanOrEqualTo(hold);
    assertThat(received.get(1).data().has("deliveryAttempt")).isFalse(); // present from the second attempt on
    assertThat(trigger.stats().attempted()).as("one POST per message").isEqualTo(2);
  }

  @Test
  void anUnreachableFunctionCountsAsAFailedAttempt() throws Exception {
    String deadLetterTopic = topic + "-dead";
    URI nobodyListens = URI.create("http://127.0.0.1:" + LoopbackPorts.choose(0) + "/");
    Trigger trigger =
        bridge.addTrigger(
            new TriggerSpec(triggerName, topic, nobodyListens, 2, MIN_BACKOFF, MAX_BACKOFF, deadLetterTopic, null));
    ConcurrentLinkedQueue<PubsubMessage> deadLetters = subscribe(deadLetterTopic);

    publish(message("nobody home", Map.of()));

    await().atMost(Duration.ofSeconds(10)).until(() -> !deadLetters.isEmpty());
    assertThat(trigger.deliveries())
        .hasSize(2)
        .allSatisfy(
            delivery -> {
              assertThat(delivery.status()).isEqualTo(-1);
              assertThat(delivery.error()).isNotBlank();
            });
    assertThat(deadLetters.peek().getAttributesMap())
        .containsEntry("CloudPubSubDeadLetterSourceDeliveryCount", "2");
  }

  private TriggerSpec spec() {
    return TriggerSpec.of(triggerName, topic, functionUrl).withBackoff(MIN_BACKOFF, MAX_BACKOFF);
  }

  private static PubsubMessage message(String data, Map<String, String> attributes) {
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFromUtf8(data))
        .putAllAttributes(attributes)
        .build();
  }

  private String publish(PubsubMessage message) throws Exception {
    Publisher publisher;
    synchronized (publishers) {
      if (publishers.isEmpty()) {
        publishers.add(channels.publisher(TopicName.of(PROJECT, topic)).build());
      }
      publisher = publishers.get(0);
    }
    return publisher.publish(message).get(10, TimeUnit.SECONDS);
  }

  /** Streams a topic through a new subscription with the official subscriber. */
  private ConcurrentLinkedQueue<PubsubMessage> subscribe(String topicId) throws Exception {
    SubscriptionName subscription = SubscriptionName.of(PROJECT, topicId + "-check");
    channels.subscriptionAdmin()
        .createSubscription(subscription, TopicName.of(PROJECT, topicId), PushConfig.getDefaultInstance(), 10);
    ConcurrentLinkedQueue<PubsubMessage> received = new ConcurrentLinkedQueue<>();
    Subscriber subscriber =
        channels
            .subscriber(
                ProjectSubscriptionName.of(PROJECT, subscription.getSubscription()),
                (message, reply) -> {
                  received.add(message);
                  reply.ack();
                })
            .build();
    subscriber.startAsync().awaitRunning(10, TimeUnit.SECONDS);
    subscribers.add(subscriber);
    return received;
  }
}
