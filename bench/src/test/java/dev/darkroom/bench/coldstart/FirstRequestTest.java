package dev.darkroom.bench.coldstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FirstRequestTest {
  private static final Map<String, String> ENV = Map.of("OUTPUTS_BUCKET", "outputs");

  /** A function added to the one list without a first request would make p3 fail only when it runs. */
  @Test
  void everyFunctionOfTheOneListHasAFirstRequestItsTriggerCouldDeliver() throws IOException {
    JsonNode list = new ObjectMapper().readTree(ColdStartBench.repositoryRoot()
        .resolve("terraform/deployables.json").toFile()).path("deployables");
    int functions = 0;
    for (JsonNode deployable : list) {
      if (!deployable.path("kind").asText().equals("function")) {
        continue;
      }
      functions++;
      FirstRequest request = FirstRequest.of(deployable.path("name").asText(), ENV);
      if (request.isEvent()) {
        CloudEvent event = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE)
            .deserialize(request.body());
        assertThat(event.getType()).as(deployable.path("name").asText())
            .isIn("google.cloud.pubsub.topic.v1.messagePublished", "google.cloud.storage.object.v1.finalized");
      } else {
        assertThat(request.path()).startsWith("/");
      }
    }
    assertThat(functions).isGreaterThan(1);
  }

  @Test
  void theApiIsAskedForItsQueueAndThumbnailsForAnObjectInTheOutputsBucket() throws IOException {
    assertThat(FirstRequest.of("api", ENV)).isEqualTo(new FirstRequest("/queue", null));
    CloudEvent thumbnails = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE)
        .deserialize(FirstRequest.of("thumbnails", ENV).body());
    JsonNode object = new ObjectMapper().readTree(thumbnails.getData().toBytes());
    assertThat(object.path("bucket").asText()).isEqualTo("outputs");
    assertThat(object.path("name").asText()).startsWith("outputs/local/").endsWith(".png");
  }
}
