package dev.darkroom.emulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Notification;
import com.google.cloud.storage.NotificationInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.pubsub.v1.TopicName;
import com.sun.net.httpserver.HttpServer;
import dev.darkroom.emulators.eventarc.TriggerSpec;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cloud Storage notifications through the official client, and Eventarc's storage event made of
 * them: what the thumbnails function is triggered by, locally as in the cloud.
 */
class StorageNotificationsIT {
  private static final String PROJECT = "demo-notify";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Delivered(Map<String, String> headers, JsonNode body) {}

  @TempDir Path dataDir;

  @Test
  void aFinalizedObjectUnderThePrefixReachesTheFunctionAsAStorageCloudEvent() throws Exception {
    ConcurrentLinkedQueue<Delivered> delivered = new ConcurrentLinkedQueue<>();
    HttpServer function = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    function.createContext("/", exchange -> {
      Map<String, String> headers = new java.util.TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      delivered.add(new Delivered(headers, JSON.readTree(exchange.getRequestBody().readAllBytes())));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    function.start();
    try (LocalCloud cloud = LocalCloud.start(LocalCloud.Options.allOnFreePorts(PROJECT, dataDir));
         PubSubEmulatorChannels pubsub = PubSubEmulatorChannels.connect(cloud.pubSub().orElseThrow().hostPort())) {
      Storage storage = StorageOptions.newBuilder().setProjectId(PROJECT)
          .setHost(cloud.storage().orElseThrow().baseUrl()).setCredentials(NoCredentials.getInstance()).build().getService();
      storage.create(BucketInfo.of("outputs-b"));
      pubsub.topicAdmin().createTopic(TopicName.of(PROJECT, "outputs-finalized"));

      Notification created = storage.createNotification("outputs-b",
          NotificationInfo.newBuilder("projects/" + PROJECT + "/topics/outputs-finalized")
              .setPayloadFormat(NotificationInfo.PayloadFormat.JSON_API_V1)
              .setEventTypes(NotificationInfo.EventType.OBJECT_FINALIZE)
              .setObjectNamePrefix("outputs/").build());
      assertThat(created.getNotificationId()).isNotBlank();
      assertThat(storage.listNotifications("outputs-b")).extracting(Notification::getNotificationId)
          .containsExactly(created.getNotificationId());

      cloud.eventarc().addTrigger(TriggerSpec.of("thumbs", "outputs-finalized",
              URI.create("http://127.0.0.1:" + function.getAddress().getPort() + "/"))
          .withEventType(TriggerSpec.STORAGE_OBJECT_FINALIZED)
          .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2)));

      storage.create(BlobInfo.newBuilder(BlobId.of("outputs-b", "inputs/u/skip.png")).setContentType("image/png").build(),
          new byte[] {1});
      storage.create(BlobInfo.newBuilder(BlobId.of("outputs-b", "outputs/u/j/a b.png")).setContentType("image/png").build(),
          "png bytes".getBytes(StandardCharsets.UTF_8));

      await().atMost(Duration.ofSeconds(30)).until(() -> !delivered.isEmpty());
      Delivered event = delivered.peek();
      assertThat(event.headers()).containsEntry("ce-type", "google.cloud.storage.object.v1.finalized")
          .containsEntry("ce-source", "//storage.googleapis.com/projects/_/buckets/outputs-b")
          .containsEntry("ce-subject", "objects/outputs/u/j/a b.png")
          .containsEntry("ce-bucket", "outputs-b")
          .containsEntry("ce-specversion", "1.0")
          .containsKey("ce-id").containsKey("ce-time");
      assertThat(event.body().path("name").asText()).isEqualTo("outputs/u/j/a b.png");
      assertThat(event.body().path("bucket").asText()).isEqualTo("outputs-b");
      assertThat(event.body().path("contentType").asText()).isEqualTo("image/png");
      assertThat(event.body().path("size").asText()).isEqualTo("9");

      // Deleting the config stops the notifications.
      assertThat(storage.deleteNotification("outputs-b", created.getNotificationId())).isTrue();
      storage.create(BlobInfo.newBuilder(BlobId.of("outputs-b", "outputs/u/j/after.png")).build(), new byte[] {2});
      // A marker through a new config: once it is in, anything published before it would be too.
      storage.createNotification("outputs-b", NotificationInfo.newBuilder("projects/" + PROJECT + "/topics/outputs-finalized")
          .setEventTypes(NotificationInfo.EventType.OBJECT_FINALIZE).setObjectNamePrefix("marker/").build());
      storage.create(BlobInfo.newBuilder(BlobId.of("outputs-b", "marker/m")).build(), new byte[] {3});
      await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() >= 2);
      assertThat(delivered).extracting(d -> d.headers().get("ce-subject"))
          .containsExactly("objects/outputs/u/j/a b.png", "objects/marker/m");
      assertThat(List.copyOf(storage.listNotifications("outputs-b"))).hasSize(1);
    } finally {
      function.stop(0);
    }
  }
}
