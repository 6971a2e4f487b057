package dev.darkroom.realtime;

import dev.darkroom.core.auth.AllowedOrigins;
import java.util.Locale;

/**
 * Which web pages may open a socket. A WebSocket upgrade is not subject to CORS: a page of any site
 * may start one, and its browser says which page in {@code Origin}, so the gateway itself must
 * check. The pages allowed are the api's ({@link AllowedOrigins}, {@code ALLOWED_ORIGINS}), so a
 * page cannot follow over {@code /ws} what it may not ask over HTTP. An upgrade without
 * {@code Origin} comes from no browser page (ComfyUI's clients, scripts) and proceeds.
 *
 * <p>With authentication on, a page of the gateway's own host is allowed too ({@code sameHost}):
 * a console served behind the load balancer on the API's own domain, and ComfyUI's Python client
 * ({@code websocket-client}), which names the server it calls as its origin. Stealing a socket
 * from another site (cross-site WebSocket hijacking) needs a credential the browser adds on its
 * own, a cookie; ours are a header or a single-use ticket that the page must already hold, so the
 * check is defence in depth there. Without authentication (the local stack) there is no credential
 * at all, and the host a request names is the attacker's to choose (DNS rebinding): only the listed
 * and loopback pages may open a socket.
 */
final class PageOrigins {
  private final AllowedOrigins allowed;
  private final boolean sameHost;

  PageOrigins(AllowedOrigins allowed, boolean sameHost) {
    this.allowed = allowed;
    this.sameHost = sameHost;
  }

  /**
   * @param origin the upgrade's {@code Origin}, or null
   * @param host the upgrade's {@code Host} ({@code name[:port]}), or null
   */
  boolean admits(String origin, String host) {
    if (origin == null || allowed.allows(origin)) {
      return true;
    }
    if (!sameHost || host == null) {
      return false;
    }
    int scheme = origin.indexOf("://");
    return scheme > 0 && withoutDefaultPort(origin.substring(scheme + 3)).equals(withoutDefaultPort(host));
  }

  private static String withoutDefaultPort(String authority) {
    String lower = authority.toLowerCase(Locale.ROOT);
    if (lower.endsWith(":443")) {
      return lower.substring(0, lower.length() - 4);
    }
    return lower.endsWith(":80") ? lower.substring(0, lower.length() - 3) : lower;
  }
}
