package dev.darkroom.core.notify;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which URLs Darkroom may call on a user's behalf (webhooks): http(s) only, and never an address
 * inside our network or the metadata server: loopback, private (RFC 1918, IPv6 ULA), carrier-grade
 * NAT, link-local (169.254.169.254 is the metadata server), unspecified, multicast. Every address
 * the name resolves to must pass. {@code allowLoopback} exists for the local stack only, whose test
 * receivers listen on 127.0.0.1.
 */
public final class OutboundUrlPolicy {
  private static final Set<String> METADATA_HOSTS = Set.of("metadata", "metadata.google.internal", "metadata.goog");

  /** Resolves a host name to its addresses (DNS in production, a map in tests). */
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final boolean allowLoopback;
  private final Resolver resolver;

  public OutboundUrlPolicy(boolean allowLoopback, Resolver resolver) {
    this.allowLoopback = allowLoopback;
    this.resolver = resolver;
  }

  public static OutboundUrlPolicy strict() {
    return new OutboundUrlPolicy(false, InetAddress::getAllByName);
  }

  /** @return why the URL is refused, or empty if it may be called */
  public Optional<String> refusal(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return Optional.of("only http and https URLs are allowed, not '" + scheme + "'");
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      return Optional.of("the URL has no host");
    }
    if (url.getUserInfo() != null) {
      return Optional.of("credentials in the URL are not allowed");
    }
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (METADATA_HOSTS.contains(bare.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""))) {
      return Optional.of(host + " is the metadata server");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(bare);
    } catch (UnknownHostException e) {
      return Optional.of(host + " does not resolve");
    }
    for (InetAddress address : addresses) {
      Optional<String> refused = refusal(address);
      if (refused.isPresent()) {
        return Optional.of(host + " resolves to " + address.getHostAddress() + ", " + refused.get());
      }
    }
    return Optional.empty();
  }

  private Optional<String> refusal(InetAddress address) {
    if (address.isLoopbackAddress()) {
      return allowLoopback ? Optional.empty() : Optional.of("a loopback address");
    }
    if (address.isAnyLocalAddress()) {
      return Optional.of("the unspecified address");
    }
    if (address.isLinkLocalAddress()) {
      return Optional.of("a link-local address (the metadata server lives there)");
    }
    if (address.isSiteLocalAddress()) {
      return Optional.of("a private address");
    }
    if (address.isMulticastAddress()) {
      return Optional.of("a multicast address");
    }
    byte[] b = address.getAddress();
    if (b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64) {
      return Optional.of("a carrier-grade NAT address");
    }
    if (b.length == 4 && (b[0] & 0xff) == 0) {
      return Optional.of("a 'this network' address");
    }
    if (address instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
      return Optional.of("a private (unique local) address");
    }
    if (address instanceof Inet6Address && isIpv4Mapped(b)) {
      try {
        return refusal(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
      } catch (UnknownHostException e) {
        return Optional.of("an unreadable address");
      }
    }
    return Optional.empty();
  }

  private static boolean isIpv4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }
}
