package dev.darkroom.gcp;

import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.port.InputImages;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * {@link InputImages} whose URLs are fetched by {@link OutboundHttp} (the outbound URL policy at
 * every hop, bounded by the upload size limit and {@link #FETCH_TIMEOUT}) and whose bytes are
 * staged by the function the api gives: its own upload rules ({@code POST /upload/image}'s checks
 * and storage), so a fetched image is stored exactly as an uploaded one.
 */
public final class FetchedInputImages implements InputImages {
  /** The whole fetch, redirects and body included: the run's request waits for it. */
  public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(20);

  private final OutboundHttp http;
  private final BiFunction<String, byte[], Staged> stage;

  /**
   * @param stage stages a user's image bytes as an input file (named by their content), or says why
   *     it refuses them
   */
  public FetchedInputImages(OutboundHttp http, BiFunction<String, byte[], Staged> stage) {
    this.http = http;
    this.stage = stage;
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
    return stage.apply(userId, content);
  }
}
