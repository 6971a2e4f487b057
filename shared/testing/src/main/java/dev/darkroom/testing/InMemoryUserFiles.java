package dev.darkroom.testing;

import dev.darkroom.core.port.UserFiles;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link UserFiles} in memory, keyed by user and path, counting the files listings return. */
public final class InMemoryUserFiles implements UserFiles {
  private record Stored(byte[] content, Instant written) {}

  private final Map<String, ConcurrentSkipListMap<String, Stored>> byUser = new java.util.concurrent.ConcurrentHashMap<>();
  private final Clock clock;
  /** Files returned by {@link #list}, all calls together: what a listing costs in the real store. */
  public final AtomicInteger listed = new AtomicInteger();

  public InMemoryUserFiles() {
    this(Clock.systemUTC());
  }

  public InMemoryUserFiles(Clock clock) {
    this.clock = clock;
  }

  private ConcurrentSkipListMap<String, Stored> of(String user) {
    return byUser.computeIfAbsent(user, u -> new ConcurrentSkipListMap<>());
  }

  @Override
  public Optional<byte[]> read(String user, String path) {
    return Optional.ofNullable(of(user).get(path)).map(stored -> stored.content().clone());
  }

  @Override
  public Optional<UserFile> stat(String user, String path) {
    return Optional.ofNullable(of(user).get(path)).map(stored -> file(path, stored));
  }

  @Override
  public UserFile write(String user, String path, byte[] content) {
    Stored stored = new Stored(content.clone(), clock.instant());
    of(user).put(path, stored);
    return file(path, stored);
  }

  @Override
  public boolean delete(String user, String path) {
    return of(user).remove(path) != null;
  }

  @Override
  public List<UserFile> list(String user, String directory, int limit) {
    String prefix = directory.isEmpty() ? "" : directory + "/";
    List<UserFile> found = new ArrayList<>();
    for (Map.Entry<String, Stored> entry : of(user).tailMap(prefix).entrySet()) {
      if (found.size() >= limit || !entry.getKey().startsWith(prefix)) {
        break;
      }
      found.add(file(entry.getKey(), entry.getValue()));
    }
    listed.addAndGet(found.size());
    return found;
  }

  private static UserFile file(String path, Stored stored) {
    return new UserFile(path, stored.content().length, stored.written(), stored.written());
  }
}
