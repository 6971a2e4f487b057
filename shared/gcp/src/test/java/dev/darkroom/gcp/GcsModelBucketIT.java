package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import dev.darkroom.core.port.ModelBucket;
import dev.darkroom.testing.ModelBucketContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link GcsModelBucket} passes the fake's contract on the local Storage emulator, and its upload
 * URL is driven as a client of the API drives it: the signed POST, then the bytes to the session URI.
 */
class GcsModelBucketIT extends ModelBucketContract {
  private static final String BUCKET = "darkroom-adapter-tests-models";
  private final HttpClient http = HttpClient.newHttpClient();
  private final ModelBucket bucket = SharedLocalCloud.adapters().modelBucket();
  private final String name = name();

  @Override
  protected ModelBucket bucket() {
    return bucket;
  }

  @Override
  protected long upload(String objectName, byte[] bytes) {
    return SharedLocalCloud.adapters().clients().storage().create(BlobInfo.newBuilder(BUCKET, objectName).build(), bytes)
        .getGeneration();
  }

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
    assertThat(put(start(upload), Arrays.copyOf(bytes, bytes.length - 1))).as("one byte short").isEqualTo(400);
    assertThat(put(start(upload), bytes)).isEqualTo(200);

    Blob stored = SharedLocalCloud.adapters().clients().storage().get(BlobId.of(BUCKET, name));
    assertThat(stored.getSize()).isEqualTo(bytes.length);
  }
}
