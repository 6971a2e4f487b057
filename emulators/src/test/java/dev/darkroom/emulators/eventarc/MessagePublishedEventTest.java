package dev.darkroom.emulators.eventarc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.pubsub.v1.PubsubMessage;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagePublishedEventTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // 2024-05-01T12:00:00.250Z
  private static final Timestamp PUBLISHED = Timestamp.newBuilder().setSeconds(1714564800L).setNanos(250_000_000).build();

  private static PubsubMessage message(String orderingKey) {
    return PubsubMessage.newBuilder()
        .setMessageId("42")
        .setPublishTime(PUBLISHED)
        .setData(ByteString.copyFromUtf8("hello"))
        .putAttributes("jobId", "j1")
        .setOrderingKey(orderingKey)
        .build();
  }

  @Test
  void binaryModeHeadersCarryTheContextAttributes() {
    CloudEvent event = MessagePublishedEvent.of("p", "jobs", "eventarc-t", message(""), 1);
    HttpRequest request = MessagePublishedEvent.request(URI.create("http://127.0.0.1:1/"), event, Duration.ofSeconds(5));

    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.headers().map())
        .containsEntry("ce-specversion", List.of("1.0"))
        .containsEntry("ce-id", List.of("42"))
        .containsEntry("ce-source", List.of("//pubsub.googleapis.com/projects/p/topics/jobs"))
        .containsEntry("ce-type", List.of("google.cloud.pubsub.topic.v1.messagePublished"))
        .containsEntry("ce-time", List.of("2024-05-01T12:00:00.250Z"))
        .containsEntry("Content-Type", List.of("application/json"));
  }

  @Test
  void dataIsThePubSubMessageInBothSpellingsWithoutOptionalFields() throws Exception {
    JsonNode data = JSON.readTree(MessagePublishedEvent.of("p", "jobs", "eventarc-t", message(""), 1).getData().toBytes());

    assertThat(data.toString())
        .isEqualTo(
            "{\"message\":{\"data\":\"aGVsbG8=\",\"attributes\":{\"jobId\":\"j1\"},"
                + "\"messageId\":\"42\",\"message_id\":\"42\","
                + "\"publishTime\":\"2024-05-01T12:00:00.250Z\",\"publish_time\":\"2024-05-01T12:00:00.250Z\"},"
                + "\"subscription\":\"projects/p/subscriptions/eventarc-t\"}");
  }

  @Test
  void orderingKeyAndLaterAttemptsAppearOnlyWhenThereAreAny() throws Exception {
    JsonNode data = JSON.readTree(MessagePublishedEvent.of("p", "jobs", "eventarc-t", message("user-7"), 3).getData().toBytes());

    assertThat(data.path("message").path("orderingKey").asText()).isEqualTo("user-7");
    assertThat(data.path("deliveryAttempt").asInt()).isEqualTo(3);
  }

  @Test
  void deadLetterAttributesUseRealPubSubNamesAndFormats() {
    assertThat(MessagePublishedEvent.deadLetterAttributes("p", "eventarc-t", 5, PUBLISHED))
        .isEqualTo(
            Map.of(
                "CloudPubSubDeadLetterSourceDeliveryCount", "5",
                "CloudPubSubDeadLetterSourceSubscription", "eventarc-t",
                "CloudPubSubDeadLetterSourceSubscriptionProject", "p",
                "CloudPubSubDeadLetterSourceTopicPublishTime", "2024-05-01T12:00:00.250+00:00"));
  }
}
