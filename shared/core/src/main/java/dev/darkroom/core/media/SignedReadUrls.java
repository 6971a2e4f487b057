package dev.darkroom.core.media;

import dev.darkroom.core.port.OutputStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed read URLs of stored objects, with the signing work bounded: in the cloud every signature
 * is one IAM {@code signBlob} call, and that quota is the project's, shared by every user.
 *
 * <ul>
 *   <li>Each URL is signed for {@link #SIGNED_FOR} and handed out while at least {@link #VALID_FOR}
 *       of it remains, so an object is signed at most once per {@code SIGNED_FOR - VALID_FOR}
 *       (5 minutes) per instance, however often it is shown. The bounded delay this brings: a URL
 *       handed out stays usable between {@code VALID_FOR} and {@code SIGNED_FOR} (10 to 15 minutes).
 *   <li>One request signs at most the number it was given ({@link #request}); what it cannot sign
 *       the caller shows through a route of its own that signs on demand.
 * </ul>
 * The cache holds at most {@link #MAX_CACHED} URLs (about 1 KB each); past that it drops the
 * expired ones, and if none are, all of them.
 */
public final class SignedReadUrls {
  /** How long a URL handed out lets its holder read the object, at least. */
  public static final Duration VALID_FOR = Duration.ofMinutes(10);
  /** How long each URL is signed for. */
  public static final Duration SIGNED_FOR = Duration.ofMinutes(15);
  static final int MAX_CACHED = 10_000;

  private record Signed(URI url, Instant expires) {}

  private final OutputStore store;
  private final Clock clock;
  private final ConcurrentHashMap<String, Signed> cache = new ConcurrentHashMap<>();

  public SignedReadUrls(OutputStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A URL valid for at least {@link #VALID_FOR}: the cached one, or a new signature. */
  public URI url(String objectName) {
    return cached(objectName).orElseGet(() -> sign(objectName));
  }

  /** Signatures for one request: at most {@code maxSignatures} new ones, cached URLs free. */
  public Request request(int maxSignatures) {
    return new Request(maxSignatures);
  }

  /** One request's share of the signing work. Not thread-safe: one request, one thread. */
  public final class Request {
    private int left;

    private Request(int maxSignatures) {
      this.left = maxSignatures;
    }

    /** The object's URL if it is cached or this request may still sign one; else empty. */
    public Optional<URI> url(String objectName) {
      Optional<URI> cached = cached(objectName);
      if (cached.isPresent() || left <= 0) {
        return cached;
      }
      left--;
      return Optional.of(sign(objectName));
    }
  }

  private Optional<URI> cached(String objectName) {
    Signed signed = cache.get(objectName);
    if (signed != null && usable(signed, clock.instant())) {
      return Optional.of(signed.url());
    }
    return Optional.empty();
  }

  /** Whether the URL still has {@link #VALID_FOR} ahead of it at {@code now}. */
  private static boolean usable(Signed signed, Instant now) {
    return !signed.expires().isBefore(now.plus(VALID_FOR));
  }

  private URI sign(String objectName) {
    Instant now = clock.instant();
    URI url = store.signedReadUrl(objectName, SIGNED_FOR);
    if (cache.size() >= MAX_CACHED) {
      cache.values().removeIf(signed -> !usable(signed, now));
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
    }
    cache.put(objectName, new Signed(url, now.plus(SIGNED_FOR)));
    return url;
  }
}
