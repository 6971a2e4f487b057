package dev.darkroom.functions.api.http;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.darkroom.core.auth.AllowedOrigins;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * CORS as the Fetch standard has browsers check it, for the pages of {@link AllowedOrigins}: a
 * preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is
 * answered here, before any credential is looked at (a browser sends none on a preflight), with the
 * methods the path accepts and the request headers we read; every other answer to an allowed page
 * names its origin and the response headers it may read. The origin is echoed, never {@code *}:
 * the allow-list cannot be written as one header, and {@code *} would hand every site's pages the
 * API. No {@code Access-Control-Allow-Credentials}: credentials are headers a page sets itself
 * ({@code Authorization}, {@code X-API-Key}), never cookies, so a page has no reason to send
 * {@code credentials: "include"}, and a browser that does gets nothing. Every answer says
 * {@code Vary: Origin}, since whether it carries these headers depends on it.
 *
 * <p>CORS decides what a page may read, not what a server does: an allowed origin is not trusted
 * for anything else, and the credential is still checked on every call. Without authentication
 * (the local stack only) there is no credential to check, so a request from a page whose origin is
 * not allowed is refused outright ({@code refuseOtherOrigins}), as ComfyUI does: CORS alone lets any
 * site's page send a form POST to {@code 127.0.0.1}.
 */
public final class CrossOrigin {
  /** The request headers a page may send: the credentials, the idempotency key, SSE's resume, JSON bodies. */
  public static final List<String> REQUEST_HEADERS =
      List.of("Authorization", "X-API-Key", "Idempotency-Key", "Last-Event-ID", "Content-Type");

  /**
   * The response headers, besides those every page may read (Cache-Control, Content-Length,
   * Content-Type, ...), that a page needs: where a created job or key is, when to retry after a 429
   * or 503, whether a submission was a replay, whether a listing was cut short, and why a
   * credential was refused.
   */
  public static final List<String> EXPOSED_HEADERS =
      List.of("Location", "Retry-After", "Idempotent-Replayed", "Darkroom-Listing-Truncated", "WWW-Authenticate",
          "Content-Disposition");

  /**
   * How long a browser may reuse a preflight's answer, per page origin and URL: Chromium's cap
   * (Firefox allows a day). Each job's URL has its own, so the longer the fewer round trips.
   */
  static final Duration PREFLIGHT_MAX_AGE = Duration.ofHours(2);

  private final AllowedOrigins origins;
  private final boolean refuseOtherOrigins;

  /**
   * @param refuseOtherOrigins whether a request from a page of another origin is refused (403)
   *     rather than answered without CORS headers: when authentication is off
   */
  public CrossOrigin(AllowedOrigins origins, boolean refuseOtherOrigins) {
    this.origins = origins;
    this.refuseOtherOrigins = refuseOtherOrigins;
  }

  /** No page of another origin may read an answer; none is refused for it. */
  public static CrossOrigin none() {
    return new CrossOrigin(AllowedOrigins.none(), false);
  }

  /** Whether the request is a CORS preflight; a bare {@code OPTIONS} (a ComfyUI client, curl) is not. */
  boolean isPreflight(HttpRequest request) {
    return request.getMethod().equals("OPTIONS") && request.getFirstHeader("Origin").isPresent()
        && request.getFirstHeader("Access-Control-Request-Method").isPresent();
  }

  /**
   * Answers a preflight: 204 with what the page may do at this path ({@code methods}, those of the
   * routing table); 404 for a path no route serves; 403 without any {@code Access-Control-Allow-*}
   * for an origin that is not allowed. The browser acts only on a 2xx that names its origin, so
   * either refusal stops the page's request before it is sent; the status says why to a person
   * reading the console or a log.
   */
  void answerPreflight(HttpRequest request, HttpResponse response, List<String> methods) throws IOException {
    response.appendHeader("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    String origin = request.getFirstHeader("Origin").orElseThrow();
    if (!origins.allows(origin)) {
      Replies.text(response, 403, "403: Forbidden: pages of this origin may not call this API (ALLOWED_ORIGINS)");
      return;
    }
    response.appendHeader("Access-Control-Allow-Origin", origin);
    if (methods.isEmpty()) {
      Replies.text(response, 404, "404: Not Found");
      return;
    }
    response.appendHeader("Access-Control-Allow-Methods", String.join(", ", methods));
    response.appendHeader("Access-Control-Allow-Headers", String.join(", ", REQUEST_HEADERS));
    response.appendHeader("Access-Control-Max-Age", Long.toString(PREFLIGHT_MAX_AGE.toSeconds()));
    response.setStatusCode(204);
  }

  /**
   * Before any other request is answered, whatever the answer turns out to be (a 401, 404, 429 or
   * 503 too: without these headers the browser hides the error from the page): {@code Vary: Origin},
   * and for an allowed page its origin and the headers it may read. False when the request is
   * refused here instead (403, {@code refuseOtherOrigins}).
   */
  boolean admit(HttpRequest request, HttpResponse response) throws IOException {
    response.appendHeader("Vary", "Origin");
    String origin = request.getFirstHeader("Origin").orElse(null);
    if (origin == null) {
      return true;
    }
    if (origins.allows(origin)) {
      response.appendHeader("Access-Control-Allow-Origin", origin);
      response.appendHeader("Access-Control-Expose-Headers", String.join(", ", EXPOSED_HEADERS));
      return true;
    }
    if (refuseOtherOrigins) {
      Replies.text(response, 403, "403: Forbidden: authentication is off, so only pages on this machine"
          + " (or of ALLOWED_ORIGINS) may call this API");
      return false;
    }
    return true;
  }
}
