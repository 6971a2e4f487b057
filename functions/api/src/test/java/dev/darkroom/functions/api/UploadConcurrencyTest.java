package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 7: one user's concurrent uploads, or many users' big ones, must not hold an
 * instance's memory. The store holds each upload until the test lets go, so the uploads that got
 * in are all held at once, as slow writes to Cloud Storage would hold them.
 */
class UploadConcurrencyTest {
  private final ThreadLocal<String> user = new ThreadLocal<>();
  private final HoldingStore store = new HoldingStore(new InMemoryOutputStore());
  private final ComfyApi api = ApiFixture.api(new InMemoryJobStore(), new RecordingJobQueue(), store,
      new InMemoryLedger(), null, request -> Caller.idToken(user.get(), Job.DEFAULT_TIER));
  private final ExecutorService pool = Executors.newFixedThreadPool(24);

  @AfterEach
  void stop() {
    store.release.countDown();
    pool.shutdownNow();
  }

  /** Counts the uploads in its {@code put} at once, and the bytes they carry, until released. */
  static final class HoldingStore implements OutputStore {
    final OutputStore store;
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final AtomicLong bytesHeld = new AtomicLong();
    final AtomicLong peakBytes = new AtomicLong();

    HoldingStore(OutputStore store) {
      this.store = store;
    }

    @Override
    public StoredObject put(String objectName, String contentType, InputStream content) {
      try {
        byte[] bytes = content.readAllBytes();
        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        peakBytes.accumulateAndGet(bytesHeld.addAndGet(bytes.length), Math::max);
        release.await(30, TimeUnit.SECONDS);
        inFlight.decrementAndGet();
        bytesHeld.addAndGet(-bytes.length);
        return store.put(objectName, contentType, new java.io.ByteArrayInputStream(bytes));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override public Optional<StoredObject> stat(String objectName) { return store.stat(objectName); }
    @Override public Optional<byte[]> read(String objectName) { return store.read(objectName); }
    @Override public URI signedReadUrl(String objectName, Duration ttl) { return store.signedReadUrl(objectName, ttl); }
  }

  private static byte[] png(int size, int variant) {
    byte[] bytes = Arrays.copyOf(ComfyRoutesTest.PNG, size);
    bytes[bytes.length - 1] = (byte) variant;
    return bytes;
  }

  /** Sends every upload at once, lets go of the store once each is held or answered; the statuses. */
  private List<Integer> uploadAtOnce(List<String> users, int bytes) throws Exception {
    AtomicInteger answered = new AtomicInteger();
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      String who = users.get(i);
      Map<String, Object> form = new LinkedHashMap<>();
      form.put("image", new FakeHttp.FilePart("in-" + i + ".png", png(bytes, i)));
      FakeHttp.Request request = FakeHttp.multipart("/upload/image", form);
      answers.add(pool.submit(() -> {
        user.set(who);
        try {
          FakeHttp.Response response = new FakeHttp.Response();
          api.handle(request, response);
          return response.status;
        } finally {
          answered.incrementAndGet();
        }
      }));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> store.inFlight.get() + answered.get() == users.size());
    store.release.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> answer : answers) {
      statuses.add(answer.get(30, TimeUnit.SECONDS));
    }
    return statuses;
  }

  @Test
  void oneUsersConcurrentUploadsAreBoundedAndTheRestRefusedWith429() throws Exception {
    List<Integer> statuses = uploadAtOnce(java.util.Collections.nCopies(12, "alice"), 64 * 1024);
    assertThat(store.peak.get()).as("alice's uploads held at once").isLessThanOrEqualTo(2);
    assertThat(statuses).contains(200).contains(429).containsOnly(200, 429);
  }

  @Test
  void aMaskAtItsPixelBoundStillFitsTheInstancesBudget() throws Exception {
    user.set("alice");
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(4096, 4096,
        java.awt.image.BufferedImage.TYPE_INT_ARGB);
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", png);
    store.release.countDown();
    Map<String, Object> original = new LinkedHashMap<>();
    original.put("image", new FakeHttp.FilePart("big.png", png.toByteArray()));
    FakeHttp.Response stored = new FakeHttp.Response();
    api.handle(FakeHttp.multipart("/upload/image", original), stored);
    assertThat(stored.status).isEqualTo(200);
    Map<String, Object> mask = new LinkedHashMap<>();
    mask.put("image", new FakeHttp.FilePart("big-mask.png", png.toByteArray()));
    mask.put("original_ref", "{\"filename\":\"big.png\",\"subfolder\":\"\",\"type\":\"input\"}");
    FakeHttp.Response masked = new FakeHttp.Response();
    api.handle(FakeHttp.multipart("/upload/mask", mask), masked);
    assertThat(masked.status).as(masked.text()).isEqualTo(200);
  }

  @Test
  void manyUsersBigUploadsAreBoundedByTheInstancesBudget() throws Exception {
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      users.add("user-" + i);
    }
    List<Integer> statuses = uploadAtOnce(users, 8 * 1024 * 1024);
    // UPLOAD_MEMORY_MB's default of 384 MiB, each upload reserving 4 copies of its body: 12 at once.
    assertThat(store.peakBytes.get()).as("upload bytes held at once by one instance")
        .isLessThanOrEqualTo(96L * 1024 * 1024);
    assertThat(statuses).contains(200).containsOnly(200, 429);
  }
}
