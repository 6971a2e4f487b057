package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.IdempotencyKeys;
import dev.darkroom.core.port.IdempotencyKeys.Entry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every {@link IdempotencyKeys} must do; run against the fake and against the Firestore emulator. */
public abstract class IdempotencyKeysContract {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private static final Duration DAY = Duration.ofHours(24);

  protected abstract IdempotencyKeys keys();

  private static Entry entry(String user, String key, String hash) {
    return new Entry(user, key, hash, UUID.randomUUID().toString(), T0, T0.plus(DAY));
  }

  private static String user() {
    return "user-" + UUID.randomUUID();
  }

  @Test
  void theFirstClaimStoresItsEntryAndLaterClaimsGetIt() {
    String user = user();
    Entry first = entry(user, "key/with slashes and spaces", "h1");
    assertThat(keys().claim(first, T0)).isEqualTo(first);
    assertThat(keys().claim(entry(user, first.key(), "h2"), T0.plusSeconds(60))).isEqualTo(first);
  }

  @Test
  void keysArePerUser() {
    Entry alices = entry(user(), "k", "h1");
    Entry bobs = entry(user(), "k", "h2");
    assertThat(keys().claim(alices, T0)).isEqualTo(alices);
    assertThat(keys().claim(bobs, T0)).isEqualTo(bobs);
  }

  @Test
  void anExpiredEntryCountsAsAbsentAndIsReplaced() {
    String user = user();
    Entry old = entry(user, "k", "h1");
    keys().claim(old, T0);
    Instant later = T0.plus(DAY).plusSeconds(1);
    Entry fresh = new Entry(user, "k", "h2", UUID.randomUUID().toString(), later, later.plus(DAY));
    assertThat(keys().claim(fresh, later)).isEqualTo(fresh);
    assertThat(keys().claim(entry(user, "k", "h3"), later)).isEqualTo(fresh);
  }

  @Test
  void releaseDeletesOnlyTheEntryOfItsJob() {
    String user = user();
    Entry first = entry(user, "k", "h1");
    keys().claim(first, T0);
    keys().release(user, "k", "another-job");
    assertThat(keys().claim(entry(user, "k", "h2"), T0)).isEqualTo(first);
    keys().release(user, "k", first.jobId());
    keys().release(user, "k", first.jobId());
    Entry next = entry(user, "k", "h2");
    assertThat(keys().claim(next, T0)).isEqualTo(next);
  }

  @Test
  void ofConcurrentClaimsExactlyOneEntryIsStoredAndAllGetIt() throws Exception {
    String user = user();
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Callable<Entry>> claims = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        claims.add(() -> keys().claim(entry(user, "same", "h"), T0));
      }
      Set<String> jobIds = new java.util.HashSet<>();
      for (Future<Entry> claim : pool.invokeAll(claims)) {
        jobIds.add(claim.get().jobId());
      }
      assertThat(jobIds).as("job ids the claims returned").hasSize(1);
    } finally {
      pool.shutdownNow();
    }
  }
}
