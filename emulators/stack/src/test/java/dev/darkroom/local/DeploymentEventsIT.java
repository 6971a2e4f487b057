package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.darkroom.emulators.eventarc.TriggerStats;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-driven deployment runs on one local stack (issue 22): a run message published on an
 * integration's inbound topic, through the Pub/Sub emulator and the local Eventarc bridge to the runs
 * function. Two integrations are configured: {@code local} (the local user, whose deployment the test
 * creates through the api) and {@code other}, mapped to another user, bob.
 */
class DeploymentEventsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROJECT = "darkroom-deployment-events";
  private static final String OTHER = "runs-other";
  private static final String OTHER_REPLIES = "runs-other-replies";
  private static final String INTEGRATIONS = "{\"local\":{\"topic\":\"" + LocalStack.RUNS_LOCAL + "\",\"user\":\"local\","
      + "\"reply_topics\":[\"" + LocalStack.RUNS_LOCAL_REPLIES + "\"]},\"other\":{\"topic\":\"" + OTHER + "\","
      + "\"user\":\"bob\",\"reply_topics\":[\"" + OTHER_REPLIES + "\"]}}";

  @TempDir static Path dataDir;
  private static LocalStack stack;
  private static PubSubEmulatorChannels pubsub;
  private static Subscription replies;
  private static Subscription otherReplies;
  private static Subscription publicEvents;
  private final HttpClient http = HttpClient.newHttpClient();

  /** A pull subscription of the test's, read as an integration reads it; everything pulled is kept. */
  private record Subscription(SubscriptionName name, List<JsonNode> received) {
    /** The first CloudEvent received that matches, pulling until it comes. */
    JsonNode await(Predicate<JsonNode> wanted) {
      return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(10))
          .until(() -> pulled().stream().filter(wanted).findFirst(), Optional::isPresent).orElseThrow();
    }

    /** Everything received so far, after pulling what waits (until a second passes with nothing). */
    synchronized List<JsonNode> pulled() throws IOException {
      for (ReceivedMessage message : PubSubEmulatorChannels.drain(pubsub.subscriptionAdmin(), name,
          Duration.ofSeconds(1))) {
        received.add(JSON.readTree(message.getMessage().getData().toByteArray()));
      }
      return List.copyOf(received);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    stack = LocalStack.start(new LocalStack.Options(PROJECT, 0, dataDir, Duration.ofMillis(1), null, null,
        Map.of("INBOUND_INTEGRATIONS", INTEGRATIONS)));
    pubsub = PubSubEmulatorChannels.connect(stack.cloud().pubSub().orElseThrow().hostPort());
    replies = subscribe(LocalStack.RUNS_LOCAL_REPLIES);
    otherReplies = subscribe(OTHER_REPLIES);
    publicEvents = subscribe(LocalStack.JOB_EVENTS_PUBLIC);
    HttpResponse<String> created = new DeploymentEventsIT().post("/api/v2/deployments", "{\"name\":\"sd15\","
        + "\"workflow\":" + workflow("sd1.5-txt2img") + ",\"inputs\":[{\"name\":\"prompt\",\"node\":\"6\","
        + "\"input\":\"text\",\"type\":\"string\",\"required\":true},{\"name\":\"seed\",\"node\":\"3\","
        + "\"input\":\"seed\",\"type\":\"integer\"}]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    Resources.closeAll(pubsub, stack);
  }

  private static Subscription subscribe(String topic) {
    SubscriptionName name = SubscriptionName.of(PROJECT, "test-" + topic);
    pubsub.subscriptionAdmin().createSubscription(ProjectSubscriptionName.of(PROJECT, name.getSubscription()),
        TopicName.of(PROJECT, topic), PushConfig.getDefaultInstance(), 10);
    return new Subscription(name, new ArrayList<>());
  }

  private static String workflow(String name) throws IOException {
    try (InputStream in = DeploymentEventsIT.class.getResourceAsStream("/workflows/" + name + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode get(String path) {
    try {
      return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).build(),
          HttpResponse.BodyHandlers.ofString()).body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Publishes as the integration does (its own service account, in the cloud); the message's id. */
  private static String publish(String topic, String message) {
    return pubsub.topicAdmin().publish(TopicName.of(PROJECT, topic), List.of(PubsubMessage.newBuilder()
        .setData(ByteString.copyFromUtf8(message)).build())).getMessageIds(0);
  }

  /** The trigger's counters once it has answered {@code deliveries} deliveries. */
  private static TriggerStats answered(String topic, int deliveries) {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> stack.cloud().eventarc().trigger(topic).orElseThrow().stats(),
            stats -> stats.succeeded() + stats.failed() >= deliveries);
  }

  @Test
  void aRunPublishedThreeTimesIsOneJobThatSucceedsAndWhoseEndReachesTheReplyTopic() {
    String run = "{\"deployment\":\"sd15\",\"inputs\":{\"prompt\":\"a lighthouse at dusk\",\"seed\":42},"
        + "\"idempotency_key\":\"lighthouse-1\",\"reply_topic\":\"" + LocalStack.RUNS_LOCAL_REPLIES + "\"}";
    for (int i = 0; i < 3; i++) {
      publish(LocalStack.RUNS_LOCAL, run);
    }

    TriggerStats stats = answered(LocalStack.RUNS_LOCAL, 3);
    assertThat(stats.succeeded()).as("every copy acknowledged at once").isEqualTo(3);
    JsonNode jobs = get("/api/v2/jobs").get("jobs");
    assertThat(jobs).as(jobs.toString()).hasSize(1);
    String jobId = jobs.get(0).get("id").asText();
    JsonNode job = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> get("/api/v2/jobs/" + jobId), j -> j.path("status").asText().equals("succeeded"));
    assertThat(job.path("status").asText()).isEqualTo("succeeded");

    JsonNode ended = replies.await(event -> jobId.equals(event.path("subject").asText()));
    assertThat(ended.path("type").asText()).isEqualTo("dev.darkroom.job.succeeded");
    assertThat(ended.at("/data/userId").asText()).isEqualTo("local");
    assertThat(publicEvents.await(event -> event.path("id").asText().equals(ended.path("id").asText())))
        .as("the same event as on the public topic").isEqualTo(ended);
  }

  @Test
  void aMessageNamingAnotherUsersDeploymentIsAcknowledgedAndReportedAsNoDeploymentOfItsUser() {
    String messageId = publish(OTHER, "{\"deployment\":\"sd15\",\"inputs\":{\"prompt\":\"x\"},\"idempotency_key\":"
        + "\"bob-1\",\"reply_topic\":\"" + OTHER_REPLIES + "\"}");

    JsonNode refused = publicEvents.await(event -> event.path("id").asText().equals("refused/" + messageId));
    assertThat(refused.path("type").asText()).isEqualTo("dev.darkroom.run.refused");
    assertThat(refused.at("/data/integration").asText()).isEqualTo("other");
    assertThat(refused.at("/data/userId").asText()).isEqualTo("bob");
    assertThat(refused.at("/data/reasons/0").asText()).isEqualTo("deployment: user bob has no deployment named \"sd15\"");
    assertThat(otherReplies.await(event -> event.path("id").asText().equals("refused/" + messageId))).isEqualTo(refused);
    TriggerStats stats = answered(OTHER, 1);
    assertThat(stats.failed()).isZero();
    assertThat(stats.deadLettered()).isZero();
  }

  @Test
  void aMessageOnATopicOfNoIntegrationIsAcknowledgedAndReported() throws IOException {
    stack.deliverToRuns("runs-stranger");
    String messageId = publish("runs-stranger", "{\"deployment\":\"sd15\",\"inputs\":{\"prompt\":\"x\"},"
        + "\"idempotency_key\":\"stranger-1\",\"reply_topic\":\"" + LocalStack.RUNS_LOCAL_REPLIES + "\"}");

    JsonNode refused = publicEvents.await(event -> event.path("id").asText().equals("refused/" + messageId));
    assertThat(refused.at("/data/topic").asText()).isEqualTo("runs-stranger");
    assertThat(refused.at("/data/integration").isNull()).isTrue();
    assertThat(refused.at("/data/userId").isNull()).isTrue();
    assertThat(refused.at("/data/reasons/0").asText()).contains("not the inbound topic of any configured integration");
    TriggerStats stats = answered("runs-stranger", 1);
    assertThat(stats.failed()).isZero();
    assertThat(stats.deadLettered()).isZero();
    // The reply topic it named is no topic of any integration's to it: nothing was published there.
    assertThat(replies.pulled()).noneMatch(event -> event.path("id").asText().equals("refused/" + messageId));
  }
}
