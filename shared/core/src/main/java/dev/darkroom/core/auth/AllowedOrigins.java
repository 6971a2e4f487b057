package dev.darkroom.core.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The web origins whose pages a browser lets use Darkroom: the api answers their CORS requests, the
 * realtime gateway accepts their WebSocket upgrades. An origin is compared exactly as a browser
 * writes it in {@code Origin} ({@code https://app.example.com}, {@code http://127.0.0.1:5173}:
 * scheme, lower-case host, port only when not the scheme's default, no path), so a configured
 * entry is refused when a browser could never send it that way, rather than silently never matching.
 *
 * @param exact the configured origins ({@code ALLOWED_ORIGINS})
 * @param loopback whether any {@code http://} page on this machine's loopback ({@code 127.0.0.1},
 *     {@code localhost}, {@code [::1]}, any port) is allowed too: only on the local stack
 */
public record AllowedOrigins(Set<String> exact, boolean loopback) {
  private static final Pattern LOOPBACK =
      Pattern.compile("http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?");

  public AllowedOrigins {
    exact = Set.copyOf(exact);
  }

  /** No page of any origin: a browser may call only from the API's own origin. */
  public static AllowedOrigins none() {
    return new AllowedOrigins(Set.of(), false);
  }

  /**
   * @param commaSeparated origins separated by commas (blank: none)
   * @throws IllegalArgumentException naming the first entry that is not an origin as a browser writes it
   */
  public static AllowedOrigins parse(String commaSeparated, boolean loopback) {
    Set<String> origins = new LinkedHashSet<>();
    for (String entry : commaSeparated.split(",")) {
      String origin = entry.trim();
      if (!origin.isEmpty()) {
        origins.add(checked(origin));
      }
    }
    return new AllowedOrigins(origins, loopback);
  }

  /** Whether a page of this origin ({@code Origin}'s value; null when the request has none) is allowed. */
  public boolean allows(String origin) {
    return origin != null && (exact.contains(origin) || loopback && LOOPBACK.matcher(origin).matches());
  }

  private static String checked(String origin) {
    if (origin.equals("*") || origin.equals("null")) {
      throw new IllegalArgumentException("'" + origin + "' is not an origin: list each origin whose pages may call"
          + " (a wildcard would let every site's pages use the API; 'null' is what sandboxed pages and files send)");
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + origin + "' is not an origin: " + e.getMessage());
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null
        || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
      throw new IllegalArgumentException("'" + origin + "' is not an origin: write scheme://host[:port] with"
          + " http or https, and nothing after the host and port (no path, not even a trailing /)");
    }
    int defaultPort = scheme.equals("https") ? 443 : 80;
    if (uri.getPort() == defaultPort) {
      throw new IllegalArgumentException("'" + origin + "': browsers leave the default port out of an origin;"
          + " write " + scheme + "://" + uri.getHost());
    }
    if (!origin.equals(origin.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("'" + origin + "': browsers write an origin in lower case; write "
          + origin.toLowerCase(Locale.ROOT));
    }
    return origin;
  }
}
