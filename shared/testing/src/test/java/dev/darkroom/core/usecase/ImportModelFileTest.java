package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.FinalizedObject;
import dev.darkroom.core.models.ModelImports;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.port.ModelDownloads;
import dev.darkroom.core.port.ModelFileUploads;
import dev.darkroom.core.port.ModelStore;
import dev.darkroom.testing.InMemoryModelFiles;
import dev.darkroom.testing.InMemoryModelStore;
import dev.darkroom.testing.ManualClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The import job's work on fakes: the download, the upload, the record's progress and end. */
class ImportModelFileTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final String URL = "https://hub.example.com/lora.safetensors";
  private static final String NAME = "style/ink.safetensors";
  private static final String ID = ModelImports.importId("loras", NAME, URL);

  private final ManualClock clock = new ManualClock(NOW);
  private final InMemoryModelStore models = new InMemoryModelStore();
  private final InMemoryModelFiles bucket = new InMemoryModelFiles();
  private final Hub hub = new Hub();
  private final Uploads uploads = new Uploads();
  /** Every record the store held after a write, in order. */
  private final List<ModelRecord> writes = new ArrayList<>();

  private ImportModelFile importer(long maxBytes) {
    ModelStore recording = new ModelStore() {
      @Override
      public java.util.Optional<ModelRecord> compute(String folder, String name,
          java.util.function.Function<java.util.Optional<ModelRecord>, java.util.Optional<ModelRecord>> change) {
        java.util.Optional<ModelRecord> after = models.compute(folder, name, change);
        after.ifPresent(writes::add);
        return after;
      }

      @Override
      public java.util.Optional<ModelRecord> get(String folder, String name) {
        return models.get(folder, name);
      }

      @Override
      public ModelRecord put(ModelRecord model) {
        return models.put(model);
      }

      @Override
      public List<ModelRecord> list(String folder) {
        return models.list(folder);
      }
    };
    return new ImportModelFile(recording, hub, uploads, (sealed, boundTo) -> sealed.replace("sealed-for-" + boundTo + ":", ""),
        new ImportModelFile.Settings(maxBytes, Duration.ofHours(1), Duration.ofSeconds(5), false), clock);
  }

  private void recordImport(String sealedToken) {
    models.put(new ModelRecord("loras", NAME, 0, 0, null, State.IMPORTING, null, 0, new TreeMap<>(), NOW, "admin-1",
        new ModelRecord.Import(ID, URL, sealedToken, 0, -1, "executions/e1", NOW)));
  }

  private static byte[] file(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31);
    }
    return bytes;
  }

  @Test
  void theFileIsStreamedIntoTheBucketWithProgressAtMostEveryFewSeconds() throws Exception {
    byte[] bytes = file(5 * (1 << 20) + 123);
    hub.files.put(URL, bytes);
    // Each read of a 1 MiB buffer takes 2 s: progress is written every other read, not every read.
    hub.onRead = () -> clock.advance(Duration.ofSeconds(2));
    recordImport("sealed-for-" + ID + ":hf_token");

    ImportModelFile.Result result = importer(1L << 30).run("loras", NAME, ID);

    assertThat(result.outcome()).as(result.reason()).isEqualTo(ImportModelFile.Outcome.IMPORTED);
    assertThat(uploads.finished).containsOnlyKeys("loras/" + NAME);
    assertThat(uploads.finished.get("loras/" + NAME)).isEqualTo(bytes);
    assertThat(uploads.metadata.get("loras/" + NAME)).containsEntry(ImportModelFile.IMPORT_ID_METADATA, ID);
    assertThat(hub.tokens).containsExactly("hf_token");
    List<Long> progress = writes.stream().map(m -> m.imported().bytesDone()).toList();
    assertThat(progress).as("progress rises, a write per ~5 s of streaming, then the whole").isSorted()
        .hasSizeBetween(3, 5).endsWith((long) bytes.length);
    assertThat(writes).allSatisfy(m -> assertThat(m.state()).isEqualTo(State.IMPORTING));
    ModelRecord last = models.get("loras", NAME).orElseThrow();
    assertThat(last.imported().bytesTotal()).isEqualTo(bytes.length);
  }

  @Test
  void theFinishedFileIsCheckedLikeAnyUploadAndAMismatchedChecksumIsRefused() throws Exception {
    byte[] bytes = CheckModelFileTest.valid();
    hub.files.put(URL, bytes);
    models.put(new ModelRecord("loras", NAME, 0, 0, "00".repeat(32), State.IMPORTING, null, 0, new TreeMap<>(), NOW,
        "admin-1", new ModelRecord.Import(ID, URL, "sealed-for-" + ID + ":t", 0, -1, "executions/e1", NOW)));

    assertThat(importer(1L << 30).run("loras", NAME, ID).outcome()).isEqualTo(ImportModelFile.Outcome.IMPORTED);
    long generation = bucket.put("loras/" + NAME, uploads.finished.get("loras/" + NAME));
    new CheckModelFile(models, bucket, false, clock)
        .handle(new FinalizedObject("loras/" + NAME, "application/octet-stream", bytes.length, generation));

    ModelRecord checked = models.get("loras", NAME).orElseThrow();
    assertThat(checked.state()).isEqualTo(State.REFUSED);
    assertThat(checked.reason()).startsWith("checksum mismatch").contains("00".repeat(32))
        .contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(checked.imported().id()).as("the record still names the import it came from").isEqualTo(ID);
    assertThat(checked.imported().sealedToken()).as("an ended import keeps no token").isNull();
    assertThat(checked.addedBy()).isEqualTo("admin-1");
  }

  @Test
  void aRefusedUrlOrRedirectEndsFailedForGoodWithTheReasonAndNoObject() {
    hub.refusal = "refused by the outbound URL policy: redirect 1 to https://10.0.0.5/x: 10.0.0.5 is a private address";
    recordImport(null);

    ImportModelFile.Result result = importer(1L << 30).run("loras", NAME, ID);

    assertThat(result.outcome()).isEqualTo(ImportModelFile.Outcome.FAILED);
    ModelRecord failed = models.get("loras", NAME).orElseThrow();
    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.reason()).contains("redirect 1").contains("private address");
    assertThat(uploads.started).isZero();
  }

  @Test
  void aFileOverTheLimitFailsWhetherItsLengthIsAnnouncedOrNot() {
    hub.files.put(URL, file(3000));
    recordImport(null);
    assertThat(importer(2000).run("loras", NAME, ID).outcome()).isEqualTo(ImportModelFile.Outcome.FAILED);
    assertThat(models.get("loras", NAME).orElseThrow().reason()).contains("3000 bytes, more than the 2000");
    assertThat(uploads.started).isZero();

    hub.hideLength = true;
    assertThat(importer(2000).run("loras", NAME, ID).outcome()).as("a failed import may be run again")
        .isEqualTo(ImportModelFile.Outcome.FAILED);
    assertThat(models.get("loras", NAME).orElseThrow().reason()).contains("more than the 2000 bytes");
    assertThat(uploads.abandoned).isEqualTo(1);
    assertThat(uploads.finished).isEmpty();
  }

  @Test
  void aServerFailureOrACutDownloadFailsWorthARetryAndTheRetryImports() {
    byte[] bytes = file(4096);
    hub.files.put(URL, bytes);
    hub.cutAfter = 1000;
    recordImport("sealed-for-" + ID + ":tok");

    ImportModelFile.Result cut = importer(1L << 30).run("loras", NAME, ID);

    assertThat(cut.outcome()).isEqualTo(ImportModelFile.Outcome.FAILED_MAY_RETRY);
    assertThat(cut.reason()).contains("ended after 1000 of 4096 bytes");
    assertThat(models.get("loras", NAME).orElseThrow().state()).isEqualTo(State.FAILED);
    assertThat(models.get("loras", NAME).orElseThrow().imported().sealedToken()).as("kept for the retry").isNotNull();
    assertThat(uploads.finished).isEmpty();

    hub.cutAfter = -1;
    ImportModelFile.Result retried = importer(1L << 30).run("loras", NAME, ID);
    assertThat(retried.outcome()).isEqualTo(ImportModelFile.Outcome.IMPORTED);
    assertThat(uploads.finished.get("loras/" + NAME)).isEqualTo(bytes);
    assertThat(hub.tokens).containsExactly("tok", "tok");
  }

  @Test
  void aTokenThatCannotBeOpenedFailsTheImportForGoodWithoutAFetch() {
    hub.files.put(URL, file(10));
    recordImport("sealed-under-another-key");
    ImportModelFile broken = new ImportModelFile(models, hub, uploads, (sealed, boundTo) -> {
      throw new IllegalStateException("a sealed secret of " + boundTo + " does not open with this key");
    }, new ImportModelFile.Settings(1L << 30, Duration.ofHours(1), Duration.ofSeconds(5), false), clock);

    assertThat(broken.run("loras", NAME, ID).outcome()).isEqualTo(ImportModelFile.Outcome.FAILED);
    ModelRecord failed = models.get("loras", NAME).orElseThrow();
    assertThat(failed.reason()).startsWith("the hub token cannot be opened");
    assertThat(failed.imported().sealedToken()).isNull();
    assertThat(hub.opened).isZero();
  }

  @Test
  void anImportThatEndedOrWasReplacedIsNotRunAgain() {
    hub.files.put(URL, file(10));
    models.put(new ModelRecord("loras", NAME, 7, 10, "ab".repeat(32), State.READY, null, 1, new TreeMap<>(), NOW,
        "admin-1", new ModelRecord.Import(ID, URL, null, 10, 10, "executions/e1", NOW)));
    assertThat(importer(1L << 30).run("loras", NAME, ID).outcome()).isEqualTo(ImportModelFile.Outcome.NOTHING_TO_DO);
    assertThat(importer(1L << 30).run("loras", NAME, "another-id").outcome())
        .isEqualTo(ImportModelFile.Outcome.NOTHING_TO_DO);
    assertThat(importer(1L << 30).run("vae", NAME, ID).outcome()).isEqualTo(ImportModelFile.Outcome.NOTHING_TO_DO);
    assertThat(hub.opened).isZero();
    assertThat(models.get("loras", NAME).orElseThrow().state()).isEqualTo(State.READY);
  }

  @Test
  void anImportReplacedWhileItStreamsStopsWithoutAnObject() {
    hub.files.put(URL, file(3 * (1 << 20)));
    recordImport(null);
    hub.onRead = () -> {
      clock.advance(Duration.ofSeconds(10));
      models.put(new ModelRecord("loras", NAME, 0, 0, null, State.FAILED, "replaced", 0, new TreeMap<>(), NOW,
          "admin-2", new ModelRecord.Import("newer", URL + "?v=2", null, 0, -1, null, NOW)));
    };

    assertThat(importer(1L << 30).run("loras", NAME, ID).outcome()).isEqualTo(ImportModelFile.Outcome.NOTHING_TO_DO);
    assertThat(uploads.finished).isEmpty();
    assertThat(uploads.abandoned).isEqualTo(1);
    assertThat(models.get("loras", NAME).orElseThrow().imported().id()).isEqualTo("newer");
  }

  /** A model hub in memory. */
  private static final class Hub implements ModelDownloads {
    final Map<String, byte[]> files = new HashMap<>();
    final List<String> tokens = new ArrayList<>();
    String refusal;
    boolean hideLength;
    int cutAfter = -1;
    int opened;
    Runnable onRead = () -> {};

    @Override
    public Download open(URI url, String bearerToken, Duration timeout) throws IOException {
      opened++;
      if (refusal != null) {
        throw new Refused(refusal);
      }
      if (bearerToken != null) {
        tokens.add(bearerToken);
      }
      byte[] bytes = files.get(url.toString());
      if (bytes == null) {
        throw new Refused(url + " answered HTTP 404");
      }
      int served = cutAfter >= 0 ? Math.min(cutAfter, bytes.length) : bytes.length;
      InputStream body = new FilterInputStream(new ByteArrayInputStream(bytes, 0, served)) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          onRead.run();
          return super.read(b, off, len);
        }
      };
      return new Download() {
        @Override
        public long length() {
          return hideLength ? -1 : bytes.length;
        }

        @Override
        public InputStream body() {
          return body;
        }

        @Override
        public void close() {}
      };
    }
  }

  /** The bucket's uploads in memory: an object exists only once finished. */
  private static final class Uploads implements ModelFileUploads {
    final Map<String, byte[]> finished = new HashMap<>();
    final Map<String, Map<String, String>> metadata = new HashMap<>();
    int started;
    int abandoned;

    @Override
    public Upload start(String objectName, Map<String, String> objectMetadata) {
      started++;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      return new Upload() {
        @Override
        public OutputStream body() {
          return bytes;
        }

        @Override
        public void finish() {
          finished.put(objectName, bytes.toByteArray());
          metadata.put(objectName, objectMetadata);
        }

        @Override
        public void abandon() {
          abandoned++;
        }
      };
    }
  }
}
