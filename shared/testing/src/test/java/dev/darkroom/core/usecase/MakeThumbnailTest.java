package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.FinalizedObject;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Thumbnail;
import dev.darkroom.core.usecase.MakeThumbnail.Outcome;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.ManualClock;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MakeThumbnailTest {
  private static final String OUTPUT = "outputs/alice/job-1/ComfyUI_00001_.png";

  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryOutputStore objects = new InMemoryOutputStore();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final MakeThumbnail thumbnails = new MakeThumbnail(jobs, objects, clock);

  @BeforeEach
  void aRunningJobWithAnImageOutput() throws Exception {
    Job job = Job.builder("job-1", "alice", JobStatus.RUNNING).createdAt(clock.instant()).updatedAt(clock.instant()).build();
    jobs.update("job-1", current -> dev.darkroom.core.port.JobChange.Outcome.write(job, null));
    objects.put(OUTPUT, "image/png", new ByteArrayInputStream(png(768, 512)));
  }

  @Test
  void makesThePreviewAndRecordsItOnTheJob() throws Exception {
    clock.advance(java.time.Duration.ofSeconds(3));
    MakeThumbnail.Result result = thumbnails.handle(finalized(OUTPUT, "image/png"));

    assertThat(result.outcome()).isEqualTo(Outcome.MADE);
    String name = "thumbnails/alice/job-1/ComfyUI_00001_.png.jpg";
    assertThat(objects.objects).containsKey(name);
    assertThat(objects.objects.get(name).contentType()).isEqualTo("image/jpeg");
    BufferedImage preview = ImageIO.read(new ByteArrayInputStream(objects.objects.get(name).content()));
    assertThat(preview.getWidth()).isEqualTo(256);
    assertThat(preview.getHeight()).isEqualTo(171);
    Job job = jobs.get("job-1").orElseThrow();
    assertThat(job.thumbnails()).containsExactly(new Thumbnail(OUTPUT, 1, name, 256, 171, "image/jpeg"));
    assertThat(job.thumbnailOf(OUTPUT)).isPresent();
    assertThat(job.updatedAt()).isEqualTo(clock.instant());
  }

  @Test
  void aRepeatedEventIsIgnoredWithoutReadingTheImageAgain() {
    thumbnails.handle(finalized(OUTPUT, "image/png"));
    Job once = jobs.get("job-1").orElseThrow();
    int puts = objects.puts.get();
    // Were the object read again, these bytes would be refused as no image.
    objects.objects.put(OUTPUT, new InMemoryOutputStore.Stored("image/png", new byte[] {1, 2, 3}));
    clock.advance(java.time.Duration.ofSeconds(5));

    MakeThumbnail.Result again = thumbnails.handle(finalized(OUTPUT, "image/png"));

    assertThat(again.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(again.reason()).isEqualTo("already previewed");
    assertThat(objects.puts.get()).isEqualTo(puts);
    assertThat(jobs.get("job-1").orElseThrow()).isEqualTo(once);
  }

  @Test
  void withoutAGenerationARepeatedEventRemakesTheSamePreviewAndChangesNothing() {
    thumbnails.handle(new FinalizedObject(OUTPUT, "image/png", 10, 0));
    Job once = jobs.get("job-1").orElseThrow();
    clock.advance(java.time.Duration.ofSeconds(5));

    assertThat(thumbnails.handle(new FinalizedObject(OUTPUT, "image/png", 10, 0)).outcome()).isEqualTo(Outcome.MADE);

    assertThat(jobs.get("job-1").orElseThrow()).isEqualTo(once);
  }

  @Test
  void aRewrittenOutputGetsANewPreviewAndALateEventOfTheOldOneChangesNothing() throws Exception {
    thumbnails.handle(finalized(OUTPUT, "image/png"));
    objects.put(OUTPUT, "image/png", new ByteArrayInputStream(png(100, 400)));
    clock.advance(java.time.Duration.ofSeconds(5));

    assertThat(thumbnails.handle(new FinalizedObject(OUTPUT, "image/png", 10, 2)).outcome()).isEqualTo(Outcome.MADE);
    Job rewritten = jobs.get("job-1").orElseThrow();
    assertThat(rewritten.thumbnailOf(OUTPUT).orElseThrow()).extracting(Thumbnail::sourceGeneration, Thumbnail::width,
        Thumbnail::height).containsExactly(2L, 64, 256);
    assertThat(thumbnails.handle(new FinalizedObject(OUTPUT, "image/png", 10, 1)).outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(jobs.get("job-1").orElseThrow()).isEqualTo(rewritten);
  }

  @Test
  void keepsThumbnailsOfEveryOutputAndSurvivesLaterJobChanges() throws Exception {
    String second = "outputs/alice/job-1/sub/other.png";
    objects.put(second, "image/png", new ByteArrayInputStream(png(64, 64)));
    thumbnails.handle(finalized(OUTPUT, "image/png"));
    thumbnails.handle(finalized(second, "application/octet-stream"));
    // The job then ends (job-events rewrites the whole job from what it read).
    jobs.update("job-1", current -> dev.darkroom.core.port.JobChange.Outcome.write(
        current.orElseThrow().withStatus(JobStatus.SUCCEEDED, clock.instant()), null));

    assertThat(jobs.get("job-1").orElseThrow().thumbnails()).extracting(Thumbnail::sourceObject)
        .containsExactly(OUTPUT, second);
    assertThat(jobs.get("job-1").orElseThrow().thumbnailOf(second).orElseThrow().width()).isEqualTo(64);
  }

  @Test
  void ignoresWhatIsNotAnImageOutputWithoutReadingIt() {
    int puts = objects.puts.get();
    assertThat(thumbnails.handle(finalized("thumbnails/alice/job-1/ComfyUI_00001_.png.jpg", "image/jpeg")).outcome())
        .as("its own previews: no loop").isEqualTo(Outcome.IGNORED);
    assertThat(thumbnails.handle(finalized("inputs/alice/photo.png", "image/png")).outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(thumbnails.handle(finalized("outputs/alice/job-1/notes.txt", "text/plain")).outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(thumbnails.handle(finalized("outputs/alice/job-1/clip.mp4", "application/octet-stream")).outcome())
        .isEqualTo(Outcome.IGNORED);
    assertThat(thumbnails.handle(finalized("outputs/alice/x.png", "image/png")).outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(thumbnails.handle(finalized("_darkroom/catalog.json", "application/json")).outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(objects.puts.get()).isEqualTo(puts);
  }

  @Test
  void refusesAnotherUsersPathUnknownJobsCorruptAndOversizedImages() throws Exception {
    objects.put("outputs/mallory/job-1/a.png", "image/png", new ByteArrayInputStream(png(10, 10)));
    objects.put("outputs/alice/job-1/broken.png", "image/png", new ByteArrayInputStream(new byte[] {1, 2, 3}));

    assertThat(thumbnails.handle(finalized("outputs/mallory/job-1/a.png", "image/png")).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(thumbnails.handle(finalized("outputs/alice/job-9/a.png", "image/png")).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(thumbnails.handle(finalized("outputs/alice/job-1/broken.png", "image/png")).outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(thumbnails.handle(new FinalizedObject(OUTPUT, "image/png", MakeThumbnail.MAX_SOURCE_BYTES + 1, 1)).outcome())
        .isEqualTo(Outcome.REFUSED);
    assertThat(jobs.get("job-1").orElseThrow().thumbnails()).isEmpty();
  }

  @Test
  void anOutputDeletedBeforeItsEventIsIgnored() {
    objects.objects.remove(OUTPUT);
    assertThat(thumbnails.handle(finalized(OUTPUT, "image/png")).outcome()).isEqualTo(Outcome.IGNORED);
  }

  private FinalizedObject finalized(String name, String contentType) {
    return new FinalizedObject(name, contentType,
        objects.objects.containsKey(name) ? objects.objects.get(name).content().length : 10, 1);
  }

  private static byte[] png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
