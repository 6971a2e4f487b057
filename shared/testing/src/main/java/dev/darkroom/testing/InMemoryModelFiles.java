package dev.darkroom.testing;

import dev.darkroom.core.port.ModelBucket;
import dev.darkroom.core.port.ModelFiles;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ModelFiles} and {@link ModelBucket} on one bucket in memory: only the newest generation of
 * each object exists, as in a bucket without versioning. Its upload URLs are {@code memory:} URIs
 * that name the object and size: nothing can be sent to them, a test {@link #put}s the bytes.
 */
public final class InMemoryModelFiles implements ModelFiles, ModelBucket {
  private record Stored(long generation, byte[] bytes) {}

  private final Map<String, Stored> objects = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);
  /** How many ranged reads and whole-object opens were made (a redelivered event must make none). */
  public final AtomicInteger reads = new AtomicInteger();

  private final Clock clock;

  public InMemoryModelFiles() {
    this(Clock.systemUTC());
  }

  /** @param clock when signed upload URLs expire */
  public InMemoryModelFiles(Clock clock) {
    this.clock = clock;
  }

  /** Stores {@code bytes} as a new generation of {@code objectName}; returns that generation. */
  public long put(String objectName, byte[] bytes) {
    long generation = generations.incrementAndGet();
    objects.put(objectName, new Stored(generation, bytes.clone()));
    return generation;
  }

  @Override
  public byte[] read(String objectName, long generation, long offset, int length) throws FileNotFoundException {
    reads.incrementAndGet();
    byte[] bytes = bytes(objectName, generation);
    int from = (int) Math.min(offset, bytes.length);
    return Arrays.copyOfRange(bytes, from, (int) Math.min((long) from + length, bytes.length));
  }

  @Override
  public InputStream open(String objectName, long generation) throws FileNotFoundException {
    reads.incrementAndGet();
    return new ByteArrayInputStream(bytes(objectName, generation));
  }

  private byte[] bytes(String objectName, long generation) throws FileNotFoundException {
    Stored stored = objects.get(objectName);
    if (stored == null || stored.generation() != generation) {
      throw new FileNotFoundException(objectName + " has no generation " + generation);
    }
    return stored.bytes();
  }

  /** Whether the object exists (any generation). */
  public boolean exists(String objectName) {
    return objects.containsKey(objectName);
  }

  @Override
  public SignedUpload signResumableUpload(String objectName, long size, Duration ttl) {
    return new SignedUpload(URI.create("memory://models/" + URLEncoder.encode(objectName, StandardCharsets.UTF_8)
        + "?size=" + size), "POST", Map.of("x-goog-resumable", "start", "x-goog-content-length-range", size + "," + size),
        clock.instant().plus(ttl));
  }

  @Override
  public OptionalLong delete(String objectName) {
    Stored removed = objects.remove(objectName);
    return removed == null ? OptionalLong.empty() : OptionalLong.of(removed.generation());
  }
}
