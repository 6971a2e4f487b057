package dev.darkroom.testing;

import dev.darkroom.core.port.OutputStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link OutputStore} in memory that can be told to fail its next puts, as a flaky network
 * would. Its "signed URLs" are {@code memory:} URIs naming the object and the TTL.
 */
public final class InMemoryOutputStore implements OutputStore {
  public record Stored(String contentType, byte[] content) {}

  public final Map<String, Stored> objects = new ConcurrentHashMap<>();
  public final AtomicInteger puts = new AtomicInteger();
  private final AtomicInteger failuresLeft = new AtomicInteger();

  public InMemoryOutputStore failNextPuts(int count) {
    failuresLeft.set(count);
    return this;
  }

  @Override
  public StoredObject put(String objectName, String contentType, InputStream content) {
    puts.incrementAndGet();
    try {
      byte[] bytes = content.readAllBytes();
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new UncheckedIOException(new IOException("connection reset (injected)"));
      }
      objects.put(objectName, new Stored(contentType, bytes));
      return new StoredObject(objectName, contentType, bytes.length, sha256(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<StoredObject> stat(String objectName) {
    Stored stored = objects.get(objectName);
    return stored == null ? Optional.empty() : Optional.of(new StoredObject(objectName,
        stored.contentType(), stored.content().length, sha256(stored.content())));
  }

  @Override
  public Optional<byte[]> read(String objectName) {
    Stored stored = objects.get(objectName);
    return stored == null ? Optional.empty() : Optional.of(stored.content().clone());
  }

  @Override
  public URI signedReadUrl(String objectName, Duration ttl) {
    return URI.create("memory:/" + URLEncoder.encode(objectName, StandardCharsets.UTF_8) + "?ttl=" + ttl.toSeconds());
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
