package dev.darkroom.functions.api.routes;

import dev.darkroom.core.port.InputImages;
import dev.darkroom.core.port.InputImages.Staged;
import dev.darkroom.gcp.FetchedInputImages;
import dev.darkroom.gcp.OutboundHttp;
import java.util.Map;
import java.util.Optional;

/**
 * How a deployment run's image (fetched from a URL or given as bytes) becomes one of the caller's
 * input files: as {@code POST /upload/image} stores files ({@link UploadedInputs}, checked by
 * {@link ImageKinds}), under the name {@code sha256-of-the-bytes.ext}, so staging the same image
 * again (a retried run) finds the file there and stores nothing. The fetching is
 * {@link FetchedInputImages}'s.
 */
public final class StagedInputImages {
  private static final Map<String, String> EXTENSIONS = Map.of("image/png", ".png", "image/jpeg", ".jpg",
      "image/webp", ".webp", "image/gif", ".gif");

  private final UploadedInputs uploads;

  public StagedInputImages(UploadedInputs uploads) {
    this.uploads = uploads;
  }

  /** The run's images: URLs fetched by {@code http}, bytes staged by {@link #stage}. */
  public static InputImages over(OutboundHttp http, UploadedInputs uploads) {
    return new FetchedInputImages(http, new StagedInputImages(uploads)::stage);
  }

  /** Stages {@code content} as {@code userId}'s input file, or says why it is not an image we take. */
  public Staged stage(String userId, byte[] content) {
    // ImageKinds.contentType's checks, its refusals said as a field's error rather than thrown as a 413.
    Optional<String> contentType = ImageKinds.kind(content);
    Optional<ImageKinds.Size> size = contentType.flatMap(type -> ImageKinds.size(type, content));
    if (size.isEmpty()) {
      return new Staged.Refused("is not a PNG, JPEG, WebP or GIF image (by its first bytes)");
    }
    Optional<String> tooLarge = ImageKinds.pixelRefusal(size.get());
    if (tooLarge.isPresent()) {
      return new Staged.Refused(tooLarge.get());
    }
    String name = Sha256.hex(content) + EXTENSIONS.get(contentType.get());
    return new Staged.Name(uploads.store(userId, "", name, content, contentType.get(), false).name());
  }
}
