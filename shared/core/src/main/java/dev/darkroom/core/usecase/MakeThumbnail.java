package dev.darkroom.core.usecase;

import dev.darkroom.core.event.FinalizedObject;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.Thumbnail;
import dev.darkroom.core.media.Previews;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.OutputStore;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the preview of an image output once it is stored, and records it on its job. Triggered by
 * the outputs bucket's object-finalize events, which come for every object of the bucket at least
 * once: anything but an image under {@code outputs/{user}/{job}/} is ignored before it is read
 * (this function's own previews, under {@code thumbnails/}, included: no loops). A repeated event,
 * or one for an older generation of the object than the job's preview was made from, is ignored
 * before the object is read; without a generation it rewrites the same preview, which changes nothing.
 */
public final class MakeThumbnail {
  private static final Logger log = LoggerFactory.getLogger(MakeThumbnail.class);
  static final String OUTPUTS = "outputs/";
  static final String THUMBNAILS = "thumbnails/";
  /** Larger sources are not previewed: no output of a GPU job comes near. */
  public static final long MAX_SOURCE_BYTES = 64L * 1024 * 1024;
  private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
  private static final Set<String> IMAGE_EXTENSIONS = Set.of(".png", ".jpg", ".jpeg", ".gif", ".webp");

  private final JobStore jobs;
  private final OutputStore objects;
  private final Clock clock;

  public MakeThumbnail(JobStore jobs, OutputStore objects, Clock clock) {
    this.jobs = jobs;
    this.objects = objects;
    this.clock = clock;
  }

  public enum Outcome { MADE, IGNORED, REFUSED }

  public record Result(Outcome outcome, String reason, Optional<Thumbnail> thumbnail) {
    static Result of(Outcome outcome, String reason) {
      return new Result(outcome, reason, Optional.empty());
    }
  }

  public Result handle(FinalizedObject object) {
    String name = object.name();
    if (!name.startsWith(OUTPUTS)) {
      return Result.of(Outcome.IGNORED, "not an output");
    }
    String[] parts = name.substring(OUTPUTS.length()).split("/", 3);
    if (parts.length < 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      return Result.of(Outcome.IGNORED, "not an output of a job");
    }
    if (!isImage(object)) {
      return Result.of(Outcome.IGNORED, "not an image");
    }
    String userId = parts[0];
    String jobId = parts[1];
    if (object.size() > MAX_SOURCE_BYTES) {
      return refused(name, object.size() + " bytes is over " + MAX_SOURCE_BYTES);
    }
    Optional<Job> job = jobs.get(jobId);
    if (job.isEmpty() || !job.get().userId().equals(userId)) {
      // Jobs exist before anything runs for them: this object is not a job's output.
      return refused(name, "no job " + jobId + " of this user");
    }
    if (job.get().thumbnailOf(name).filter(t -> t.covers(object.generation())).isPresent()) {
      return Result.of(Outcome.IGNORED, "already previewed");
    }
    Optional<byte[]> bytes = objects.read(name);
    if (bytes.isEmpty()) {
      return Result.of(Outcome.IGNORED, "deleted since");
    }
    Previews.Preview preview;
    try {
      preview = Previews.of(bytes.get());
    } catch (Previews.Refused e) {
      return refused(name, e.getMessage());
    }
    String thumbnailName = THUMBNAILS + name.substring(OUTPUTS.length()) + preview.extension();
    objects.put(thumbnailName, preview.contentType(), new ByteArrayInputStream(preview.bytes()));
    Thumbnail thumbnail = new Thumbnail(name, object.generation(), thumbnailName, preview.width(), preview.height(),
        preview.contentType());
    jobs.update(jobId, (JobChange<Void>) current -> current
        .map(j -> JobChange.Outcome.<Void>write(j.withThumbnail(thumbnail, clock.instant()), null))
        .orElseGet(() -> JobChange.Outcome.keep(null)));
    log.info("thumbnail {} ({}x{}) of {}", thumbnailName, preview.width(), preview.height(), name);
    return new Result(Outcome.MADE, "made", Optional.of(thumbnail));
  }

  private static Result refused(String name, String reason) {
    log.warn("no thumbnail of {}: {}", name, reason);
    return Result.of(Outcome.REFUSED, reason);
  }

  /** By its content type, else (a generic or missing one) by its name's extension. */
  static boolean isImage(FinalizedObject object) {
    String type = object.contentType() == null ? "" : object.contentType().toLowerCase(Locale.ROOT);
    int semicolon = type.indexOf(';');
    type = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
    if (IMAGE_TYPES.contains(type)) {
      return true;
    }
    if (!type.isEmpty() && !type.equals("application/octet-stream")) {
      return false;
    }
    String lower = object.name().toLowerCase(Locale.ROOT);
    int dot = lower.lastIndexOf('.');
    return dot >= 0 && IMAGE_EXTENSIONS.contains(lower.substring(dot));
  }
}
