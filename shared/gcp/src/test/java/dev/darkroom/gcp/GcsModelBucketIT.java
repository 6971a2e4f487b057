package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import dev.darkroom.core.port.ModelBucket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link GcsModelBucket} on the local Storage emulator, driven as a client of the API drives it:
 * the signed POST, then the bytes to the session URI.
 */
class GcsModelBucketIT {
  private static final String BUCKET = "darkroom-adapter-tests-models";
  private final HttpClient http = HttpClient.newHttpClient();
  private final ModelBucket bucket = SharedLocalCloud.adapters().modelBucket();
  private final String name = "loras/bucket-it-" + UUID.randomUUID() + ".safetensors";

  private String start(ModelBucket.SignedUpload upload) throws Exception {
    HttpRequest.Builder post = HttpRequest.newBuilder(upload.url()).method(upload.method(),
        HttpRequest.BodyPublishers.noBody());
    upload.headers().forEach(post::header);
    HttpResponse<String> started = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    return started.headers().firstValue("Location").orElseThrow();
  }

  private int put(String session, byte[] bytes) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(session)).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Test
  void anUploadUrlTakesExactlyTheDeclaredSizeIntoTheBucket() throws Exception {
    byte[] bytes = new byte[70_000];
    Arrays.fill(bytes, (byte) 7);
    ModelBucket.SignedUpload upload = bucket.signResumableUpload(name, bytes.length, Duration.ofMinutes(15));
    assertThat(upload.method()).isEqualTo("POST");
    assertThat(upload.headers()).containsEntry("x-goog-resumable", "start")
        .containsEntry("x-goog-content-length-range", bytes.length + "," + bytes.length);
    assertThat(upload.expiresAt()).isBetween(Instant.now().plusSeconds(14 * 60), Instant.now().plusSeconds(15 * 60));

    assertThat(put(start(upload), Arrays.copyOf(bytes, bytes.length - 1))).as("one byte short").isEqualTo(400);
    assertThat(put(start(upload), bytes)).isEqualTo(200);

    Blob stored = SharedLocalCloud.adapters().clients().storage().get(BlobId.of(BUCKET, name));
    assertThat(stored.getSize()).isEqualTo(bytes.length);
  }

  @Test
  void deleteRemovesTheLiveGenerationAndSaysWhichOnce() {
    long generation = SharedLocalCloud.adapters().clients().storage()
        .create(BlobInfo.newBuilder(BUCKET, name).build(), new byte[] {1, 2, 3}).getGeneration();

    assertThat(bucket.delete(name)).hasValue(generation);
    assertThat(bucket.delete(name)).isEmpty();
    assertThat(SharedLocalCloud.adapters().clients().storage().get(BlobId.of(BUCKET, name))).isNull();
  }
}
