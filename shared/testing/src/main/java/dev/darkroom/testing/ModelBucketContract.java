package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.ModelBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ModelBucket} must do; run against the fake and against the Storage emulator
 * (whose run also sends bytes to the URL, which only a real bucket can take).
 */
public abstract class ModelBucketContract {

  protected abstract ModelBucket bucket();

  /** Writes {@code bytes} as a new generation of {@code objectName}; returns the generation. */
  protected abstract long upload(String objectName, byte[] bytes);

  protected static String name() {
    return "loras/contract-" + UUID.randomUUID() + ".safetensors";
  }

  @Test
  void anUploadUrlIsASignedPostStartingAResumableUploadOfExactlyTheSize() {
    Instant before = Instant.now();
    ModelBucket.SignedUpload upload = bucket().signResumableUpload(name(), 1234, Duration.ofMinutes(15));

    assertThat(upload.method()).isEqualTo("POST");
    assertThat(upload.headers()).containsOnly(java.util.Map.entry("x-goog-resumable", "start"),
        java.util.Map.entry("x-goog-content-length-range", "1234,1234"));
    assertThat(upload.expiresAt()).isBetween(before.plus(Duration.ofMinutes(15)).minusSeconds(1),
        Instant.now().plus(Duration.ofMinutes(15)));
    assertThat(upload.url().toString()).isNotBlank();
  }

  @Test
  void deleteRemovesTheLiveGenerationAndSaysWhichOnce() {
    String name = name();
    long generation = upload(name, new byte[] {1, 2, 3});

    assertThat(bucket().delete(name)).hasValue(generation);
    assertThat(bucket().delete(name)).isEmpty();
  }

  @Test
  void deletingANameNeverWrittenIsEmpty() {
    assertThat(bucket().delete(name())).isEmpty();
  }
}
