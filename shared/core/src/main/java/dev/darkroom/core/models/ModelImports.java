package dev.darkroom.core.models;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules an import from a URL shares between the api that accepts it and the job that fetches
 * it: which URLs it may name (besides the outbound policy, which both apply too), its id, and what
 * of the URL users may see.
 */
public final class ModelImports {
  /** The longest URL accepted (a hub's signed download links are long, not this long). */
  public static final int MAX_URL_CHARS = 4096;
  /** The longest bearer token accepted. */
  public static final int MAX_TOKEN_CHARS = 4096;

  private ModelImports() {}

  /**
   * The import's id: a retried request names the same (folder, name, url) and so the same import,
   * which is what makes it start one job.
   */
  public static String importId(String folder, String name, String url) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((folder + "\n" + name + "\n" + url).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Why a download may not use {@code url}'s scheme, or empty: https only, since a bearer token
   * and multi-GB files must not travel in clear. The one exception is plain http to a loopback
   * host where loopback is allowed (the local stack's model hub, never in the cloud).
   */
  public static Optional<String> schemeProblem(URI url, boolean allowLoopback) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return Optional.empty();
    }
    if (scheme.equals("http") && allowLoopback && isLoopback(url.getHost())) {
      return Optional.empty();
    }
    return Optional.of("only https URLs may be imported, not '" + (scheme.isEmpty() ? url : scheme + ":") + "'");
  }

  private static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!bare.contains(":") && !bare.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return false;
    }
    try {
      return InetAddress.getByName(bare).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The URL as users and logs may see it: scheme, host, port and path, without the query or
   * fragment, where a hub's signed link carries its credential.
   */
  public static String shown(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    } catch (IllegalArgumentException e) {
      return "(an unreadable URL)";
    }
  }
}
