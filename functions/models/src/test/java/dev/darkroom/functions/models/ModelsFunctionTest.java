package dev.darkroom.functions.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.usecase.CheckModelFile;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.StorageCloudEvents;
import dev.darkroom.testing.InMemoryModelFiles;
import dev.darkroom.testing.InMemoryModelStore;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelsFunctionTest {
  private static final String BUCKET = "dev-models";
  private static final String HEADER = "{\"w\": {\"dtype\": \"BF16\", \"shape\": [4], \"data_offsets\": [0, 8]}}";

  private final InMemoryModelStore models = new InMemoryModelStore();
  private final InMemoryModelFiles files = new InMemoryModelFiles();
  private final ModelsFunction function = new ModelsFunction(() -> new ModelsFunction.Wiring(
      new CheckModelFile(models, files, false, Clock.systemUTC()), BUCKET));

  private static byte[] safetensors() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] header = HEADER.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
    out.writeBytes(header);
    out.writeBytes(new byte[8]);
    return out.toByteArray();
  }

  @Test
  void aFinalizedFileInTheModelsBucketIsCheckedAndRecorded() {
    byte[] bytes = safetensors();
    long generation = files.put("loras/ink.safetensors", bytes);
    function.accept(finalized(BUCKET, "loras/ink.safetensors", bytes.length, generation));

    assertThat(models.get("loras", "ink.safetensors")).hasValueSatisfying(model -> {
      assertThat(model.state()).isEqualTo(State.READY);
      assertThat(model.dtypes()).containsEntry("BF16", 1);
    });
  }

  @Test
  void eventsOfAnotherBucketOrUnreadableDataAreAcknowledgedAndChangeNothing() {
    long generation = files.put("loras/ink.safetensors", safetensors());
    function.accept(finalized("someone-elses-bucket", "loras/ink.safetensors", 32, generation));
    function.accept(CloudEventBuilder.v1().withId("3").withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + BUCKET))
        .withType(StorageCloudEvents.FINALIZED).withData("application/json", "not json".getBytes(StandardCharsets.UTF_8)).build());

    assertThat(models.list(null)).isEmpty();
    assertThat(files.reads.get()).isZero();
  }

  @Test
  void pickledModelsAreAllowedOnlyByAnExplicitTrue() {
    Map<String, String> base = Map.of("GOOGLE_CLOUD_PROJECT", "p", "MODELS_BUCKET", BUCKET);
    assertThat(ModelChecksConfig.from(new Env(base)).models().allowPickled()).isFalse();
    Map<String, String> allowing = new java.util.HashMap<>(base);
    allowing.put("ALLOW_PICKLED_MODELS", "true");
    assertThat(ModelChecksConfig.from(new Env(allowing)).models().allowPickled()).isTrue();
    allowing.put("ALLOW_PICKLED_MODELS", "yes");
    assertThatThrownBy(() -> ModelChecksConfig.from(new Env(allowing))).hasMessageContaining("ALLOW_PICKLED_MODELS");
    assertThatThrownBy(() -> ModelChecksConfig.from(new Env(Map.of("GOOGLE_CLOUD_PROJECT", "p"))))
        .hasMessageContaining("MODELS_BUCKET");
  }

  /** What Eventarc delivers for a Cloud Storage finalize: the object's JSON API resource as data. */
  private static CloudEvent finalized(String bucket, String name, long size, long generation) {
    String object = "{\"kind\":\"storage#object\",\"bucket\":\"" + bucket + "\",\"name\":\"" + name
        + "\",\"size\":\"" + size + "\",\"generation\":\"" + generation + "\"}";
    return CloudEventBuilder.v1().withId("1").withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + bucket))
        .withType(StorageCloudEvents.FINALIZED).withSubject("objects/" + name)
        .withData("application/json", object.getBytes(StandardCharsets.UTF_8)).build();
  }
}
