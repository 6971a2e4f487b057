package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.event.FinalizedObject;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.port.ModelFiles;
import dev.darkroom.testing.InMemoryModelFiles;
import dev.darkroom.testing.InMemoryModelStore;
import dev.darkroom.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CheckModelFileTest {
  private static final String HEADER = """
      {"a.weight": {"dtype": "F16", "shape": [2, 3], "data_offsets": [0, 12]},
       "b.bias": {"dtype": "F32", "shape": [4], "data_offsets": [12, 28]}}""";
  private static final Instant NOW = Instant.parse("2026-12-06T11:00:00Z");

  private final InMemoryModelStore models = new InMemoryModelStore();
  private final InMemoryModelFiles files = new InMemoryModelFiles();
  private final ManualClock clock = new ManualClock(NOW);
  private final CheckModelFile check = new CheckModelFile(models, files, false, clock);

  static byte[] safetensors(String header, long declaredLength, int dataBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
    out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(new byte[dataBytes]);
    return out.toByteArray();
  }

  static byte[] valid() {
    return safetensors(HEADER, HEADER.getBytes(StandardCharsets.UTF_8).length, 28);
  }

  private FinalizedObject upload(String objectName, byte[] bytes) {
    long generation = files.put(objectName, bytes);
    return new FinalizedObject(objectName, "application/octet-stream", bytes.length, generation);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void aValidSafetensorsFileIsReadyWithItsSummaryAndChecksum() throws Exception {
    byte[] bytes = valid();
    assertThat(check.handle(upload("loras/style/ink.safetensors", bytes)).outcome()).isEqualTo(CheckModelFile.Outcome.READY);

    ModelRecord model = models.get("loras", "style/ink.safetensors").orElseThrow();
    assertThat(model.state()).isEqualTo(State.READY);
    assertThat(model.reason()).isNull();
    assertThat(model.tensors()).isEqualTo(2);
    assertThat(model.dtypes()).isEqualTo(new TreeMap<>(Map.of("F16", 1, "F32", 1)));
    assertThat(model.size()).isEqualTo(bytes.length);
    assertThat(model.sha256()).isEqualTo(sha256(bytes));
    assertThat(model.addedBy()).isEqualTo(CheckModelFile.ADDED_BY_STORAGE);
    assertThat(model.addedAt()).isEqualTo(NOW);
  }

  @Test
  void truncatedHostileAndNonSafetensorsFilesAreRefusedWithTheReason() {
    String header = HEADER;
    int length = header.getBytes(StandardCharsets.UTF_8).length;
    Map<String, byte[]> files = Map.of(
        "truncated", safetensors(header, length, 20),
        "huge declared header", safetensors(header, Long.MAX_VALUE, 28),
        "bad JSON", safetensors("{\"a\": [", 7, 0),
        "offsets past the end", safetensors(header.replace("[12, 28]", "[12, 4000]"), length, 28),
        "not safetensors at all", "<html>login required</html>".getBytes(StandardCharsets.UTF_8));
    files.forEach((what, bytes) -> {
      CheckModelFile.Result result = check.handle(upload("checkpoints/" + what.replace(' ', '-') + ".safetensors", bytes));
      assertThat(result.outcome()).as(what).isEqualTo(CheckModelFile.Outcome.REFUSED);
      ModelRecord model = models.get("checkpoints", what.replace(' ', '-') + ".safetensors").orElseThrow();
      assertThat(model.state()).as(what).isEqualTo(State.REFUSED);
      assertThat(model.reason()).as(what).startsWith("not a usable safetensors file: ");
      assertThat(model.sha256()).as(what).isNull();
    });
  }

  @Test
  void pickledFormatsAreRefusedUnlessTheDeploymentAllowsThem() throws Exception {
    byte[] pickle = "\u0080\u0002}q\u0000.".getBytes(StandardCharsets.ISO_8859_1);
    for (String extension : new String[] {".ckpt", ".pt", ".pth", ".bin"}) {
      check.handle(upload("checkpoints/old" + extension, pickle));
      ModelRecord refused = models.get("checkpoints", "old" + extension).orElseThrow();
      assertThat(refused.state()).as(extension).isEqualTo(State.REFUSED);
      assertThat(refused.reason()).as(extension).contains("pickled").contains("ALLOW_PICKLED_MODELS");
    }

    CheckModelFile allowing = new CheckModelFile(models, files, true, clock);
    assertThat(allowing.handle(upload("checkpoints/allowed.ckpt", pickle)).outcome()).isEqualTo(CheckModelFile.Outcome.READY);
    ModelRecord ready = models.get("checkpoints", "allowed.ckpt").orElseThrow();
    assertThat(ready.sha256()).isEqualTo(sha256(pickle));
    assertThat(ready.tensors()).isZero();
  }

  @Test
  void anAnnouncedChecksumIsVerifiedAndItsAuthorKept() throws Exception {
    Instant announcedAt = NOW.minusSeconds(60);
    models.put(new ModelRecord("vae", "good.safetensors", 0, 0, sha256(valid()), State.CHECKING, null, 0, null,
        announcedAt, "admin-1"));
    models.put(new ModelRecord("vae", "bad.safetensors", 0, 0, "00".repeat(32), State.CHECKING, null, 0, null,
        announcedAt, "admin-1"));

    check.handle(upload("vae/good.safetensors", valid()));
    check.handle(upload("vae/bad.safetensors", valid()));

    ModelRecord good = models.get("vae", "good.safetensors").orElseThrow();
    assertThat(good.state()).isEqualTo(State.READY);
    assertThat(good.addedBy()).isEqualTo("admin-1");
    assertThat(good.addedAt()).isEqualTo(announcedAt);
    ModelRecord bad = models.get("vae", "bad.safetensors").orElseThrow();
    assertThat(bad.state()).isEqualTo(State.REFUSED);
    assertThat(bad.reason()).startsWith("checksum mismatch").contains("00".repeat(32)).contains(sha256(valid()));
  }

  @Test
  void aRedeliveredEventReadsNothingAndChangesNothing() {
    FinalizedObject event = upload("loras/ink.safetensors", valid());
    check.handle(event);
    ModelRecord first = models.get("loras", "ink.safetensors").orElseThrow();
    int reads = files.reads.get();
    clock.advance(java.time.Duration.ofMinutes(5));

    assertThat(check.handle(event).outcome()).isEqualTo(CheckModelFile.Outcome.UNCHANGED);
    assertThat(files.reads.get()).isEqualTo(reads);
    assertThat(models.get("loras", "ink.safetensors")).contains(first);
  }

  @Test
  void aNewerGenerationReplacesTheVerdictAndALateOlderEventNever() {
    FinalizedObject first = upload("loras/ink.safetensors", valid());
    check.handle(first);
    FinalizedObject second = upload("loras/ink.safetensors", "not a model".getBytes(StandardCharsets.UTF_8));
    check.handle(second);
    assertThat(models.get("loras", "ink.safetensors").orElseThrow().state()).isEqualTo(State.REFUSED);

    assertThat(check.handle(first).outcome()).isEqualTo(CheckModelFile.Outcome.UNCHANGED);
    ModelRecord model = models.get("loras", "ink.safetensors").orElseThrow();
    assertThat(model.generation()).isEqualTo(second.generation());
    assertThat(model.state()).isEqualTo(State.REFUSED);
  }

  @Test
  void anEventOfAGenerationAlreadyReplacedIsIgnoredForTheNewerOnesEvent() {
    FinalizedObject first = upload("loras/ink.safetensors", valid());
    upload("loras/ink.safetensors", valid());
    assertThat(check.handle(first).outcome()).isEqualTo(CheckModelFile.Outcome.IGNORED);
    assertThat(models.get("loras", "ink.safetensors")).isEmpty();
  }

  @Test
  void namesWithTraversalOrHiddenAreRefusedAndObjectsOutsideComfyUisFoldersIgnored() {
    assertThat(check.handle(upload("README.txt", valid())).outcome()).isEqualTo(CheckModelFile.Outcome.IGNORED);
    assertThat(check.handle(upload("secrets/ink.safetensors", valid())).outcome()).isEqualTo(CheckModelFile.Outcome.IGNORED);
    assertThat(check.handle(upload("loras__x/ink.safetensors", valid())).outcome()).isEqualTo(CheckModelFile.Outcome.IGNORED);
    check.handle(upload("loras/../ink.safetensors", valid()));
    check.handle(upload("loras/.hidden.safetensors", valid()));
    assertThat(models.get("secrets", "ink.safetensors")).isEmpty();
    assertThat(models.list(null)).extracting(ModelRecord::folder).containsOnly("loras");
    assertThat(models.get("loras", "../ink.safetensors").orElseThrow().state()).isEqualTo(State.REFUSED);
    assertThat(models.get("loras", ".hidden.safetensors").orElseThrow().state()).isEqualTo(State.REFUSED);
  }

  @Test
  void aReadFailureThrowsSoTheEventIsDeliveredAgain() {
    ModelFiles failing = new ModelFiles() {
      @Override
      public byte[] read(String objectName, long generation, long offset, int length) throws IOException {
        throw new IOException("503 from storage");
      }

      @Override
      public InputStream open(String objectName, long generation) throws IOException {
        throw new IOException("503 from storage");
      }
    };
    CheckModelFile flaky = new CheckModelFile(models, failing, false, clock);
    assertThatThrownBy(() -> flaky.handle(new FinalizedObject("loras/ink.safetensors", null, 300, 5)))
        .isInstanceOf(UncheckedIOException.class);
    assertThat(models.get("loras", "ink.safetensors")).isEmpty();
  }
}
