package dev.darkroom.functions.api.http;

import com.google.cloud.functions.HttpRequest;
import java.util.List;
import java.util.Optional;

/**
 * The address a request came from, as the nearest proxy we trust saw it, to limit failed
 * authentications per client. Each proxy appends the address it was called from to
 * {@code X-Forwarded-For}, so only the right-most entries are trustworthy: a client can write
 * anything to the left. Google's external Application Load Balancer appends two entries, the
 * client's address and then its own forwarding rule's, so behind it ({@code trustedHops} 1) the
 * client is the second entry from the right. Without the load balancer ({@code trustedHops} 0) the
 * client is the right-most entry, appended by Cloud Run's front end. Should there be fewer entries
 * than that, the left-most is taken. With no header at all there is no address (the local stack,
 * with nothing in front; in the cloud Google's front end always adds one).
 *
 * @param trustedHops how many right-most entries were appended by proxies of ours after the client's
 */
public record ClientAddress(int trustedHops) {
  /** Enough for any chain of proxies; a longer header is cut, not parsed. */
  private static final int MAX_HEADER_LENGTH = 4096;
  /** Longer than any IPv6 address (45 characters): what an entry is cut to, so that each address remembered is small. */
  static final int MAX_ADDRESS_LENGTH = 64;

  public ClientAddress {
    if (trustedHops < 0) {
      throw new IllegalArgumentException("trusted proxy hops must not be negative: " + trustedHops);
    }
  }

  /** The client's address, or empty when no proxy said (then nothing is limited by address). */
  public Optional<String> of(HttpRequest request) {
    List<String> headers = request.getHeaders().entrySet().stream()
        .filter(header -> header.getKey().equalsIgnoreCase("X-Forwarded-For"))
        .flatMap(header -> header.getValue().stream()).toList();
    if (headers.isEmpty()) {
      return Optional.empty();
    }
    // Several header lines are one list, in order (RFC 9110 5.3): the last line was appended last.
    String joined = String.join(",", headers);
    if (joined.length() > MAX_HEADER_LENGTH) {
      joined = joined.substring(joined.length() - MAX_HEADER_LENGTH);
    }
    String[] entries = joined.split(",");
    int index = Math.max(0, entries.length - 1 - trustedHops);
    String address = entries[index].strip();
    if (address.length() > MAX_ADDRESS_LENGTH) {
      address = address.substring(0, MAX_ADDRESS_LENGTH);
    }
    return address.isEmpty() ? Optional.empty() : Optional.of(address);
  }
}
