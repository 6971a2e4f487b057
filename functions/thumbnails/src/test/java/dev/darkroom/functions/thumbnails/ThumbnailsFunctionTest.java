package dev.darkroom.functions.thumbnails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.usecase.MakeThumbnail;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThumbnailsFunctionTest {
  private static final String BUCKET = "dev-outputs";
  private static final String OUTPUT = "outputs/alice/job-1/ComfyUI_00001_.png";

  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryOutputStore objects = new InMemoryOutputStore();
  private final ThumbnailsFunction function = new ThumbnailsFunction(() -> new ThumbnailsFunction.Wiring(
      new MakeThumbnail(jobs, objects, Clock.systemUTC()), BUCKET));

  @BeforeEach
  void anOutputOfAJob() throws Exception {
    Job job = Job.builder("job-1", "alice", JobStatus.SUCCEEDED).createdAt(Instant.now()).updatedAt(Instant.now()).build();
    jobs.update("job-1", current -> JobChange.Outcome.write(job, null));
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB), "png", png);
    objects.put(OUTPUT, "image/png", new ByteArrayInputStream(png.toByteArray()));
  }

  @Test
  void aFinalizedOutputInTheBucketGetsItsThumbnail() {
    function.accept(finalized(BUCKET, OUTPUT));

    assertThat(objects.objects).containsKey("thumbnails/alice/job-1/ComfyUI_00001_.png.jpg");
    assertThat(jobs.get("job-1").orElseThrow().thumbnailOf(OUTPUT)).hasValueSatisfying(t -> {
      assertThat(t.width()).isEqualTo(256);
      assertThat(t.height()).isEqualTo(256);
    });
  }

  @Test
  void eventsOfAnotherBucketOrTypeOrUnreadableDataAreAcknowledgedAndChangeNothing() {
    int puts = objects.puts.get();
    function.accept(finalized("someone-elses-bucket", OUTPUT));
    function.accept(CloudEventBuilder.v1().withId("2").withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + BUCKET))
        .withType("google.cloud.storage.object.v1.deleted").withData("application/json",
            ("{\"bucket\":\"" + BUCKET + "\",\"name\":\"" + OUTPUT + "\"}").getBytes(StandardCharsets.UTF_8)).build());
    function.accept(CloudEventBuilder.v1().withId("3").withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + BUCKET))
        .withType(ThumbnailsFunction.FINALIZED).withData("application/json", "not json".getBytes(StandardCharsets.UTF_8)).build());

    assertThat(objects.puts.get()).isEqualTo(puts);
    assertThat(jobs.get("job-1").orElseThrow().thumbnails()).isEmpty();
  }

  @Test
  void webPOutputsStillAndAnimatedArePreviewedWithTheDeployedDecoder() throws Exception {
    // This module ships TwelveMonkeys imageio-webp; without it a WebP output gets no preview. The
    // two inputs are the 1x1 lossless and animated WebP files browsers' feature checks decode (no
    // WebP encoder is available here to make bigger ones).
    byte[] lossless = java.util.Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
    byte[] animated = java.util.Base64.getDecoder().decode("UklGRlIAAABXRUJQVlA4WAoAAAASAAAAAAAAAAAAQU5JTQYAAAD/"
        + "////AABBTk1GJgAAAAAAAAAAAAAAAAAAAGQAAABWUDhMDQAAAC8AAAAQBxAREYiI/gcA");
    for (byte[] webp : new byte[][] {lossless, animated}) {
      dev.darkroom.core.media.Previews.Preview preview = dev.darkroom.core.media.Previews.of(webp);
      assertThat(new int[] {preview.width(), preview.height()}).containsExactly(1, 1);
      assertThat(ImageIO.read(new ByteArrayInputStream(preview.bytes()))).isNotNull();
    }
  }

  /** What Eventarc delivers for a Cloud Storage finalize: the object's JSON API resource as data. */
  private CloudEvent finalized(String bucket, String name) {
    String object = "{\"kind\":\"storage#object\",\"bucket\":\"" + bucket + "\",\"name\":\"" + name
        + "\",\"contentType\":\"image/png\",\"size\":\"" + objects.objects.get(OUTPUT).content().length
        + "\",\"generation\":\"1\"}";
    return CloudEventBuilder.v1().withId("1")
        .withSource(URI.create("//storage.googleapis.com/projects/_/buckets/" + bucket))
        .withType(ThumbnailsFunction.FINALIZED).withSubject("objects/" + name)
        .withData("application/json", object.getBytes(StandardCharsets.UTF_8)).build();
  }
}
