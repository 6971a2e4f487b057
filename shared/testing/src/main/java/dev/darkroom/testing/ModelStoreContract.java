package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.port.ModelStore;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link ModelStore} must do; run against the fake and against the Firestore emulator. */
public abstract class ModelStoreContract {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  protected abstract ModelStore models();

  private static ModelRecord model(String folder, String name, long generation, State state) {
    return new ModelRecord(folder, name, generation, 1234, state == State.CHECKING ? null : "ab".repeat(32), state,
        state == State.REFUSED ? "not a usable safetensors file: bad JSON" : null, state == State.READY ? 2 : 0,
        new TreeMap<>(state == State.READY ? Map.of("F16", 1, "F32", 1) : Map.of()), T0, "alice");
  }

  private static String name() {
    return "sub dir/contract-" + UUID.randomUUID() + ".safetensors";
  }

  @Test
  void aRecordIsStoredAndReadBackWhole() {
    ModelRecord ready = model("loras", name(), 7, State.READY);
    assertThat(models().put(ready)).isEqualTo(ready);
    assertThat(models().get("loras", ready.name())).contains(ready);
    assertThat(models().get("vae", ready.name())).isEmpty();
  }

  @Test
  void aNewerGenerationReplacesAndAnOlderOneNever() {
    String name = name();
    models().put(model("loras", name, 7, State.READY));
    ModelRecord newer = model("loras", name, 9, State.REFUSED);
    assertThat(models().put(newer)).isEqualTo(newer);
    assertThat(models().put(model("loras", name, 8, State.READY))).isEqualTo(newer);
    assertThat(models().get("loras", name)).contains(newer);
  }

  @Test
  void aCheckedRecordIsNeverRegressedToCheckingOfTheSameGeneration() {
    String name = name();
    ModelRecord ready = model("loras", name, 7, State.READY);
    models().put(model("loras", name, 7, State.CHECKING));
    assertThat(models().put(ready)).isEqualTo(ready);
    assertThat(models().put(model("loras", name, 7, State.CHECKING))).isEqualTo(ready);
  }

  @Test
  void aTombstoneIsReplacedOnlyByANewerGeneration() {
    String name = name();
    models().put(model("loras", name, 7, State.READY));
    ModelRecord deleted = model("loras", name, 7, State.DELETED);
    assertThat(models().put(deleted)).isEqualTo(deleted);
    assertThat(models().put(model("loras", name, 7, State.READY))).as("a late verdict on the deleted generation")
        .isEqualTo(deleted);
    ModelRecord newer = model("loras", name, 8, State.READY);
    assertThat(models().put(newer)).isEqualTo(newer);
  }

  @Test
  void anUploadIsAnnouncedWhereNoFileIsAndKeepsTheStoredGeneration() {
    String name = name();
    ModelRecord announcement = new ModelRecord("loras", name, 0, 99, "cd".repeat(32), State.CHECKING, null, 0, null,
        T0, "admin");
    assertThat(models().announce(announcement)).isEqualTo(announcement);
    assertThat(models().get("loras", name)).contains(announcement);

    ModelRecord ready = models().put(model("loras", name, 5, State.READY));
    assertThat(models().announce(announcement)).as("a ready file is in the way").isEqualTo(ready);
    models().put(model("loras", name, 5, State.DELETED));
    ModelRecord again = models().announce(announcement);
    assertThat(again.generation()).as("the tombstone's generation").isEqualTo(5);
    assertThat(again.state()).isEqualTo(State.CHECKING);
    assertThat(again.sha256()).isEqualTo("cd".repeat(32));
    assertThat(again.addedBy()).isEqualTo("admin");
    assertThat(models().get("loras", name)).contains(again);
    assertThat(models().put(model("loras", name, 9, State.REFUSED)).state()).isEqualTo(State.REFUSED);
    assertThat(models().announce(announcement).state()).as("a refused file is in the way too").isEqualTo(State.REFUSED);
  }

  @Test
  void anImportIsStoredAndReadBackWhole() {
    ModelRecord importing = new ModelRecord("loras", name(), 0, 0, "cd".repeat(32), State.IMPORTING, null, 0,
        new TreeMap<>(), T0, "alice", new ModelRecord.Import("0123abcd", "https://hub.example/a.safetensors?x=1",
            "v1:sealed", 1024, 4096, "projects/p/locations/r/jobs/model-import/executions/e1", T0.plusSeconds(5)));
    assertThat(models().put(importing)).isEqualTo(importing);
    assertThat(models().get("loras", importing.name())).contains(importing);
    ModelRecord unknownLength = importing.withImport(State.FAILED, "the hub answered 503",
        importing.imported().withProgress(0, -1, T0.plusSeconds(9)).withoutToken());
    assertThat(models().put(unknownLength)).isEqualTo(unknownLength);
    assertThat(models().get("loras", importing.name())).contains(unknownLength);
  }

  @Test
  void computeWritesWhatTheChangeReturnsAndLeavesTheRecordWhenItReturnsNothing() {
    String name = name();
    ModelRecord first = model("vae", name, 0, State.CHECKING);
    assertThat(models().compute("vae", name, stored -> stored.isEmpty() ? java.util.Optional.of(first)
        : java.util.Optional.empty())).contains(first);
    assertThat(models().compute("vae", name, stored -> stored.isEmpty() ? java.util.Optional.of(
        model("vae", name, 3, State.READY)) : java.util.Optional.empty())).contains(first);
    ModelRecord ready = model("vae", name, 3, State.READY);
    assertThat(models().compute("vae", name, stored -> java.util.Optional.of(ready))).contains(ready);
    assertThat(models().get("vae", name)).contains(ready);
    assertThat(models().compute("vae", "absent-" + name, stored -> java.util.Optional.empty())).isEmpty();
  }

  @Test
  void listIsOrderedAndFiltersByFolder() {
    String prefix = "list-" + UUID.randomUUID();
    ModelRecord b = model("embeddings", prefix + "-b.safetensors", 1, State.READY);
    ModelRecord a = model("embeddings", prefix + "-a.safetensors", 1, State.CHECKING);
    ModelRecord other = model("upscale_models", prefix + "-c.safetensors", 1, State.READY);
    models().put(b);
    models().put(a);
    models().put(other);
    assertThat(models().list("embeddings").stream().filter(m -> m.name().startsWith(prefix))).containsExactly(a, b);
    assertThat(models().list(null).stream().filter(m -> m.name().startsWith(prefix))).containsExactly(a, b, other);
  }

  /**
   * A tombstone stays readable by name (late events of the deleted generation meet it) but no
   * listing returns it: a listing reads what it shows, however many files were deleted before.
   */
  @Test
  void listLeavesTombstonesOut() {
    String prefix = "tomb-" + UUID.randomUUID();
    ModelRecord kept = model("clip", prefix + "-kept.safetensors", 2, State.REFUSED);
    ModelRecord gone = model("clip", prefix + "-gone.safetensors", 4, State.DELETED);
    models().put(kept);
    models().put(model("clip", gone.name(), 4, State.READY));
    models().put(gone);
    assertThat(models().get("clip", gone.name())).contains(gone);
    assertThat(models().list("clip").stream().filter(m -> m.name().startsWith(prefix))).containsExactly(kept);
    assertThat(models().list(null).stream().filter(m -> m.name().startsWith(prefix))).containsExactly(kept);
  }
}
