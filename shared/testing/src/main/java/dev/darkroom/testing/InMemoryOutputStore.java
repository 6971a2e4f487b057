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

/** An {@link OutputStore} in memory; its "signed URLs" are {@code memory:} URIs naming object and TTL. */
public final class InMemoryOutputStore implements OutputStore {
  public final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, StoredObject> metadata = new ConcurrentHashMap<>();

  @Override
  public StoredObject put(String objectName, String contentType, InputStream content) {
    try {
      byte[] bytes = content.readAllBytes();
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      StoredObject stored = new StoredObject(objectName, contentType, bytes.length, sha);
      objects.put(objectName, bytes);
      metadata.put(objectName, stored);
      return stored;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<StoredObject> stat(String objectName) {
    return Optional.ofNullable(metadata.get(objectName));
  }

  @Override
  public URI signedReadUrl(String objectName, Duration ttl) {
    return URI.create("memory:/" + URLEncoder.encode(objectName, StandardCharsets.UTF_8) + "?ttl=" + ttl.toSeconds());
  }
}
