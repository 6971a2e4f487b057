package dev.darkroom.core.port;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;

/**
 * Downloads of model files from URLs users gave (a model hub's links), on the outbound URL policy:
 * every hop, redirects included, is checked before anything is sent to it.
 */
public interface ModelDownloads {

  /**
   * Opens {@code url} for reading, following redirects (each checked). The bearer token goes only
   * to the URL's own host: a redirect to another host (a hub's CDN with a signed link) gets none.
   *
   * @param bearerToken the hub's token, or null
   * @param timeout the bound on the whole download, the body included
   * @throws Refused if the URL or a hop is refused, or the server answered that it will not serve
   *     the file (a 4xx): trying again gives the same answer
   * @throws IOException if the server could not be reached or failed (a 5xx): it may work later
   */
  Download open(URI url, String bearerToken, Duration timeout) throws IOException;

  /** An open download; closing it closes the connection. */
  interface Download extends Closeable {
    /** The body's length as announced, or -1 if the server did not say. */
    long length();

    InputStream body();
  }

  /** A download that will never succeed as asked (policy refusal, a 4xx): not worth a retry. */
  final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    public Refused(String why) {
      super(why);
    }
  }
}
