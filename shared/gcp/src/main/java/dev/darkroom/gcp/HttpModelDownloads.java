package dev.darkroom.gcp;

import dev.darkroom.core.models.ModelImports;
import dev.darkroom.core.port.ModelDownloads;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * {@link ModelDownloads} over {@link OutboundHttp}: the outbound policy on every hop, and https
 * only on every hop too ({@link ModelImports#schemeProblem}: a hub must not redirect a download
 * to plain http). A policy refusal or a 4xx is {@link ModelDownloads.Refused}; a 5xx or a network
 * failure an {@link IOException} (worth a retry).
 */
public final class HttpModelDownloads implements ModelDownloads {
  private final OutboundHttp http;
  private final boolean allowLoopback;

  public HttpModelDownloads(OutboundHttp http, boolean allowLoopback) {
    this.http = http;
    this.allowLoopback = allowLoopback;
  }

  @Override
  public Download open(URI url, String bearerToken, Duration timeout) throws IOException {
    OutboundHttp.Streamed response;
    try {
      response = http.stream(url, bearerToken == null ? Map.of() : Map.of("authorization", "Bearer " + bearerToken),
          hop -> ModelImports.schemeProblem(hop, allowLoopback), timeout);
    } catch (OutboundRefusedException e) {
      throw new Refused("refused by the outbound URL policy: " + e.getMessage());
    }
    int status = response.status();
    if (status < 200 || status > 299) {
      response.close();
      String answer = ModelImports.shown(response.url().toString()) + " answered HTTP " + status;
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        throw new Refused(answer);
      }
      throw new IOException(answer);
    }
    return new Download() {
      @Override
      public long length() {
        return response.length();
      }

      @Override
      public InputStream body() {
        return response.body();
      }

      @Override
      public void close() {
        response.close();
      }
    };
  }
}
