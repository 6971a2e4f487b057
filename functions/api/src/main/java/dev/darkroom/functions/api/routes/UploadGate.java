package dev.darkroom.functions.api.routes;

import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.InputLimits;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How much memory uploads may hold in one instance at once, and how many one user may have under
 * way: an upload holds its body several times over (as read, as the form's part, as sent to the
 * store) and a mask decodes two images and encodes a third, so without a bound a few users' (or
 * one user's) concurrent uploads exhaust the instance that everyone's requests share.
 *
 * <p>An upload past either bound is refused at once with {@code 429} and {@code Retry-After}
 * (never queued: a waiting upload would hold its connection and, on the client, its body). The
 * memory is reserved before the body is read, from its declared length (the most a body may be
 * when it declares none), and for a mask again from the images' dimensions before they are decoded.
 * A deployment run whose body may carry an image as base64 passes the same gate (one per instance,
 * shared by {@link FileRoutes} and {@link DeploymentRoutes}).
 */
public final class UploadGate {
  /** {@code UPLOADS_PER_USER}'s default. */
  static final int DEFAULT_PER_USER = 2;
  /** {@code UPLOAD_MEMORY_MB}'s default: under half the api's 1 GiB instance, room for one mask at its bound. */
  static final int DEFAULT_MEMORY_MB = 384;
  /** Copies of a body an upload holds at its peak: the body, its form part, the store's buffer(s). */
  static final int COPIES_PER_BODY = 4;
  /** Bytes per pixel a mask holds while it composes: both images decoded, the result and its PNG. */
  static final int BYTES_PER_MASK_PIXEL = 16;
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  /** Thrown when an upload may not go on now: answered with its refusal. */
  static final class Busy extends RuntimeException {
    final Admission.Refusal refusal;

    Busy(String message) {
      super(message, null, false, false);
      this.refusal = new Admission.Refusal(429, RETRY_AFTER, message);
    }
  }

  private final int perUser;
  private final long memoryBytes;
  private final Map<String, Integer> underWay = new HashMap<>();
  private long reserved;

  /**
   * @param perUser uploads one user may have under way at once ({@code UPLOADS_PER_USER})
   * @param memoryMb what all uploads under way may hold in this instance, in MiB ({@code UPLOAD_MEMORY_MB})
   */
  public UploadGate(int perUser, int memoryMb) {
    this.perUser = perUser;
    this.memoryBytes = memoryMb * 1024L * 1024L;
  }

  /**
   * Lets one upload of {@code user} in, its body of {@code declaredLength} bytes (negative when
   * not declared) reserved.
   *
   * @throws Busy if the user has {@code perUser} uploads under way, or the memory is taken
   */
  synchronized Permit enter(String user, long declaredLength) {
    int mine = underWay.getOrDefault(user, 0);
    if (mine >= perUser) {
      throw new Busy("you have " + mine + " uploads under way, the most at once; retry when one has ended");
    }
    long body = declaredLength < 0 ? InputLimits.UPLOAD_BODY_BYTES : Math.min(declaredLength, InputLimits.UPLOAD_BODY_BYTES);
    Permit permit = new Permit(user);
    permit.reserve(body * COPIES_PER_BODY);
    underWay.merge(user, 1, Integer::sum);
    return permit;
  }

  /** One upload's share: released by {@link #close}. */
  final class Permit implements AutoCloseable {
    private final String user;
    private long held;
    private boolean closed;

    private Permit(String user) {
      this.user = user;
    }

    /** Reserves {@code bytes} more for this upload, or refuses it (nothing more is reserved). */
    void reserve(long bytes) {
      synchronized (UploadGate.this) {
        if (reserved + bytes > memoryBytes) {
          throw new Busy("the server is busy with other uploads; retry in " + RETRY_AFTER.toSeconds() + " s");
        }
        reserved += bytes;
        held += bytes;
      }
    }

    /** Reserves what composing a mask over {@code pixels} of image holds. */
    void reserveMask(long pixels) {
      reserve(pixels * BYTES_PER_MASK_PIXEL);
    }

    @Override
    public void close() {
      synchronized (UploadGate.this) {
        if (closed) {
          return;
        }
        closed = true;
        reserved -= held;
        underWay.computeIfPresent(user, (u, n) -> n > 1 ? n - 1 : null);
      }
    }
  }
}
