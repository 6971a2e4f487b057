package dev.darkroom.functions.api.routes;

import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.InputImages;
import dev.darkroom.gcp.OutboundHttp;
import dev.darkroom.gcp.OutboundRefusedException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@link InputImages} as {@code POST /upload/image} stores files ({@link UploadedInputs}, checked
 * by {@link ImageKinds}), under the name {@code sha256-of-the-bytes.ext}: staging the same image
 * again (a retried run) finds the file there and stores nothing. URLs are fetched by {@link
 * OutboundHttp}: under the outbound URL policy at every hop, bounded by the upload size limit and
 * {@link #FETCH_TIMEOUT}.
 */
public final class StagedInputImages implements InputImages {
  /** The whole fetch, redirects and body included: the run's request waits for it. */
  static final Duration FETCH_TIMEOUT = Duration.ofSeconds(20);
  private static final Map<String, String> EXTENSIONS = Map.of("image/png", ".png", "image/jpeg", ".jpg",
      "image/webp", ".webp", "image/gif", ".gif");

  private final OutboundHttp http;
  private final UploadedInputs uploads;

  public StagedInputImages(OutboundHttp http, UploadedInputs uploads) {
    this.http = http;
    this.uploads = uploads;
  }

  @Override
  public Staged fromUrl(String userId, URI url) {
    OutboundHttp.Fetched fetched;
    try {
      fetched = http.fetch(url, InputLimits.UPLOAD_BODY_BYTES, FETCH_TIMEOUT);
    } catch (OutboundRefusedException e) {
      return new Staged.Refused("URL refused by the outbound policy: " + e.getMessage());
    } catch (IOException e) {
      return new Staged.Refused("the URL could not be fetched: " + e.getMessage());
    }
    if (fetched.status() / 100 != 2) {
      return new Staged.Refused("the URL answered HTTP " + fetched.status());
    }
    Staged staged = fromBytes(userId, fetched.body());
    return staged instanceof Staged.Refused refused ? new Staged.Refused("the URL's content " + refused.why()) : staged;
  }

  @Override
  public Staged fromBytes(String userId, byte[] content) {
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
