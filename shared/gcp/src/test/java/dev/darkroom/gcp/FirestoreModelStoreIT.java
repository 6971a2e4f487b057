package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.firestore.DocumentSnapshot;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.port.ModelStore;
import dev.darkroom.testing.ModelStoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Firestore adapter passes the same contract as the in-memory fake, on Google's emulator. */
class FirestoreModelStoreIT extends ModelStoreContract {
  @Override
  protected ModelStore models() {
    return SharedLocalCloud.adapters().modelStore();
  }

  /** Terraform's TTL policy on {@code expireAt} removes tombstones a week on, and nothing else. */
  @Test
  void aTombstoneCarriesItsExpiryAndALiveRecordNone() throws Exception {
    String name = "ttl-" + UUID.randomUUID() + ".safetensors";
    ModelRecord ready = new ModelRecord("loras", name, 3, 10, "ab".repeat(32), ModelRecord.State.READY, null, 1,
        new TreeMap<>(Map.of("F16", 1)), Instant.parse("2026-12-01T00:00:00Z"), "admin");
    models().put(ready);
    assertThat(raw(name).contains("expireAt")).as("a ready file does not expire").isFalse();

    Instant before = Instant.now();
    models().put(ready.withImport(ModelRecord.State.DELETED, null, null));
    Instant expires = raw(name).getTimestamp("expireAt").toDate().toInstant();
    assertThat(expires).isBetween(before.plus(Duration.ofDays(7)).minusSeconds(1), Instant.now().plus(Duration.ofDays(7)));
  }

  private static DocumentSnapshot raw(String name) throws Exception {
    // The adapters here read MODELS_COLLECTION from an environment that does not set it.
    String collection = CollectionConfig.models(new Env(Map.of())).name();
    return SharedLocalCloud.adapters().clients().firestore().collection(collection)
        .document(FirestoreModelStore.documentId("loras", name)).get().get();
  }
}
