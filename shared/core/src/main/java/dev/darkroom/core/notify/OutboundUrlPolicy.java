package dev.darkroom.core.notify;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which URLs Darkroom may call on a user's behalf (webhooks, URL inputs): http(s) only, no
 * credentials in the URL, and never an address inside our network or the metadata server.
 *
 * <p>Refused addresses: IPv4 0/8, 10/8, 100.64/10 (carrier-grade NAT), 127/8, 169.254/16
 * (link-local: 169.254.169.254 is the metadata server), 172.16/12, 192.0.0/24, 192.168/16,
 * 198.18/15 (benchmarking), 224/4 (multicast), 240/4 (reserved, broadcast); IPv6 ::, ::1, fc00::/7
 * (unique local), fe80::/10 (link-local), fec0::/10, ff00::/8, Teredo 2001::/32, local-use NAT64
 * 64:ff9b:1::/48, and every form that carries an IPv4 address inside (::ffff:a.b.c.d, ::a.b.c.d,
 * NAT64 64:ff9b::/96, 6to4 2002::/16) when the IPv4 address inside is refused.
 *
 * <p>Refused names, before any lookup: localhost and *.localhost, *.internal and the metadata
 * server's names, single-label names (the search domains would resolve them inside our network),
 * and hosts that end in a number but are not a plain dotted quad: {@code 2130706433},
 * {@code 0x7f.1}, {@code 0177.0.0.1} and {@code 127.1} are 127.0.0.1 to a browser or curl, and
 * the JDK reads some of them differently again. Names compare in lower case, trailing dots ignored.
 *
 * <p>A name passes only if every address it resolves to passes. {@code allowLoopback} exists for
 * the local stack only, whose test receivers listen on 127.0.0.1: it opens 127/8, ::1 and the name
 * localhost, nothing else (not even 127.0.0.1 wrapped in NAT64 or 6to4, which leaves the machine).
 *
 * <p>Checking a URL is not enough on its own: the address connected to must be the address
 * checked. A client therefore resolves through {@link #lookUp} once and connects only to what it
 * returned, and checks every address it connects to with {@link #refusal(InetAddress)}.
 */
public final class OutboundUrlPolicy {
  private static final Set<String> METADATA_HOSTS = Set.of("metadata", "metadata.google.internal", "metadata.goog");
  private static final Pattern DOTTED_QUAD =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  /** The WHATWG URL standard's "ends in a number": such a host is an IPv4 address to a browser. */
  private static final Pattern NUMERIC_LABEL = Pattern.compile("\\d+|0[xX][0-9a-fA-F]*");

  /** Resolves a host name to its addresses (DNS in production, a map in tests). */
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /**
   * What {@link #lookUp} found: the addresses to connect to (all allowed), or why the host is
   * refused (then no address may be used).
   */
  public record Lookup(List<InetAddress> addresses, String refusal) {
    public boolean refused() {
      return refusal != null;
    }
  }

  private final boolean allowLoopback;
  private final Resolver resolver;

  public OutboundUrlPolicy(boolean allowLoopback, Resolver resolver) {
    this.allowLoopback = allowLoopback;
    this.resolver = resolver;
  }

  /** Whether this policy opens loopback (the local stack's only). */
  public boolean allowsLoopback() {
    return allowLoopback;
  }

  public static OutboundUrlPolicy strict() {
    return new OutboundUrlPolicy(false, InetAddress::getAllByName);
  }

  /**
   * The whole check, name lookup included. A client that connects must not rely on it alone (the
   * name may resolve differently when it connects): see {@link #lookUp}.
   *
   * @return why the URL is refused, or empty if it may be called
   */
  public Optional<String> refusal(URI url) {
    Optional<String> refused = refusalBeforeLookup(url);
    if (refused.isPresent()) {
      return refused;
    }
    try {
      Lookup lookup = lookUp(url.getHost());
      return Optional.ofNullable(lookup.refusal());
    } catch (UnknownHostException e) {
      return Optional.of(url.getHost() + " does not resolve");
    }
  }

  /**
   * Everything that can be told from the URL itself: scheme, credentials, and the host's name or
   * literal address ({@link #refusalOfHost}).
   */
  public Optional<String> refusalBeforeLookup(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return Optional.of("only http and https URLs are allowed, not '" + scheme + "'");
    }
    if (url.getRawUserInfo() != null) {
      return Optional.of("credentials in the URL are not allowed");
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      // java.net.URI leaves the host empty for 127.1, 0x7f.1, 127.0.0.1. and names with '_'.
      return Optional.of("the URL has no host '" + url.getRawAuthority() + "' can be read as");
    }
    return refusalOfHost(host);
  }

  /**
   * The host's name (see the class comment), or, for a literal address, the address itself.
   * Accepts IPv6 literals with or without brackets.
   */
  public Optional<String> refusalOfHost(String host) {
    String name = normalized(host);
    if (name.isEmpty()) {
      return Optional.of("the URL has no host");
    }
    if (name.contains(":")) {
      return literalRefusal(host, name);
    }
    String[] labels = name.split("\\.");
    if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
      if (!DOTTED_QUAD.matcher(name).matches()) {
        return Optional.of(host + " spells an IPv4 address ambiguously (only a plain dotted quad is allowed)");
      }
      return literalRefusal(host, name);
    }
    if (name.equals("localhost") || name.endsWith(".localhost")) {
      return allowLoopback ? Optional.empty() : Optional.of(host + " is a loopback name");
    }
    if (METADATA_HOSTS.contains(name)) {
      return Optional.of(host + " is the metadata server");
    }
    if (name.endsWith(".internal")) {
      return Optional.of(host + " is an internal name");
    }
    if (labels.length == 1) {
      return Optional.of(host + " is a single-label name (the search domains would resolve it inside our network)");
    }
    return Optional.empty();
  }

  /**
   * Resolves the host once and checks the name and every address. Connect only to the addresses
   * returned: resolving again could answer differently (DNS rebinding).
   *
   * @throws UnknownHostException if the name does not resolve (which is not a refusal: it may
   *     resolve later)
   */
  public Lookup lookUp(String host) throws UnknownHostException {
    Optional<String> refused = refusalOfHost(host);
    if (refused.isPresent()) {
      return new Lookup(List.of(), refused.get());
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    InetAddress[] addresses = resolver.resolve(bare);
    if (addresses == null || addresses.length == 0) {
      throw new UnknownHostException(host + " has no addresses");
    }
    for (InetAddress address : addresses) {
      Optional<String> why = refusal(address);
      if (why.isPresent()) {
        return new Lookup(List.of(), host + " resolves to " + address.getHostAddress() + ", " + why.get());
      }
    }
    return new Lookup(List.of(addresses), null);
  }

  /** @return why no connection may be made to this address, or empty if it may */
  public Optional<String> refusal(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return ipv4Refusal(b, allowLoopback);
    }
    return ipv6Refusal(b);
  }

  private static Optional<String> ipv4Refusal(byte[] b, boolean loopbackAllowed) {
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (first == 127) {
      return loopbackAllowed ? Optional.empty() : Optional.of("a loopback address");
    }
    if (first == 0) {
      return Optional.of("a 'this network' address");
    }
    if (first == 10 || (first == 172 && (second & 0xf0) == 16) || (first == 192 && second == 168)) {
      return Optional.of("a private address");
    }
    if (first == 169 && second == 254) {
      return Optional.of("a link-local address (the metadata server lives there)");
    }
    if (first == 100 && (second & 0xc0) == 64) {
      return Optional.of("a carrier-grade NAT address");
    }
    if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
      return Optional.of("an IETF protocol assignment address");
    }
    if (first == 198 && (second & 0xfe) == 18) {
      return Optional.of("a benchmarking address");
    }
    if ((first & 0xf0) == 224) {
      return Optional.of("a multicast address");
    }
    if ((first & 0xf0) == 240) {
      return Optional.of("a reserved or broadcast address");
    }
    return Optional.empty();
  }

  private Optional<String> ipv6Refusal(byte[] b) {
    if (allZero(b, 0, 16)) {
      return Optional.of("the unspecified address");
    }
    if (allZero(b, 0, 15) && b[15] == 1) {
      return allowLoopback ? Optional.empty() : Optional.of("a loopback address");
    }
    if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      // ::ffff:a.b.c.d is the IPv4 address itself to the socket layer: loopback stays loopback.
      return embedded("an IPv4-mapped", Arrays.copyOfRange(b, 12, 16), allowLoopback);
    }
    if (allZero(b, 0, 12)) {
      return embedded("an IPv4-compatible", Arrays.copyOfRange(b, 12, 16), false);
    }
    if (b[0] == 0x00 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      if (allZero(b, 4, 12)) {
        return embedded("a NAT64", Arrays.copyOfRange(b, 12, 16), false);
      }
      if (b[4] == 0 && b[5] == 1) {
        return Optional.of("a local-use NAT64 address");
      }
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return embedded("a 6to4", Arrays.copyOfRange(b, 2, 6), false);
    }
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
      return Optional.of("a Teredo address (it tunnels to an IPv4 address)");
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return Optional.of("a private (unique local) address");
    }
    if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
      return Optional.of("a link-local address");
    }
    if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
      return Optional.of("a site-local address");
    }
    if ((b[0] & 0xff) == 0xff) {
      return Optional.of("a multicast address");
    }
    return Optional.empty();
  }

  private static Optional<String> embedded(String form, byte[] ipv4, boolean loopbackAllowed) {
    return ipv4Refusal(ipv4, loopbackAllowed).map(why -> form + " form of " + dotted(ipv4) + ", " + why);
  }

  private Optional<String> literalRefusal(String host, String literal) {
    InetAddress address;
    try {
      // A literal (colons, or a dotted quad checked above): parsed, never looked up.
      address = InetAddress.getByName(literal);
    } catch (UnknownHostException | IllegalArgumentException e) {
      return Optional.of(host + " is not an address that can be read");
    }
    return refusal(address).map(why -> host + " is " + why);
  }

  private static String normalized(String host) {
    String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    name = name.toLowerCase(Locale.ROOT);
    while (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return name;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static String dotted(byte[] b) {
    return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
  }
}
