package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import dev.darkroom.core.event.SchemaVersion;
import dev.darkroom.core.port.NodeCatalogStore;
import dev.darkroom.testing.NodeCatalogStoreContract;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Cloud Storage adapter passes the same contract as the in-memory fake, on our emulator. */
class GcsNodeCatalogStoreIT extends NodeCatalogStoreContract {
  private static final String OBJECT_INFO = "{\"KSampler\":{\"input\":{\"required\":{}},\"output\":[\"LATENT\"]}}";

  /** A bucket of its own per test: the catalog is one fixed object name in the bucket. */
  @Override
  protected NodeCatalogStore emptyStore() {
    return new GcsNodeCatalogStore(storage(), newBucket());
  }

  private static Storage storage() {
    return SharedLocalCloud.adapters().clients().storage();
  }

  private static String newBucket() {
    String bucket = "catalog-" + UUID.randomUUID();
    storage().create(BucketInfo.of(bucket));
    return bucket;
  }

  /** Written by the runner image, read by the api: the object says its version in its metadata. */
  @Test
  void thePublishedObjectIsTheCatalogVerbatimWithItsVersionInItsMetadata() throws Exception {
    String bucket = newBucket();
    ObjectNode objectInfo = (ObjectNode) new ObjectMapper().readTree(OBJECT_INFO);
    new GcsNodeCatalogStore(storage(), bucket).publish(objectInfo);

    BlobInfo stored = storage().get(BlobId.of(bucket, GcsNodeCatalogStore.OBJECT));
    assertThat(stored.getMetadata()).isEqualTo(Map.of(SchemaVersion.FIELD, "1"));
    assertThat(stored.getContentType()).isEqualTo("application/json");
    assertThat(new ObjectMapper().readTree(storage().readAllBytes(BlobId.of(bucket, GcsNodeCatalogStore.OBJECT))))
        .isEqualTo(objectInfo);
  }

  @Test
  void anObjectThePreviousReleaseWroteWithoutAVersionIsRead() throws Exception {
    String bucket = newBucket();
    write(bucket, null);
    assertThat(new GcsNodeCatalogStore(storage(), bucket).current())
        .contains((ObjectNode) new ObjectMapper().readTree(OBJECT_INFO));
  }

  @Test
  void anObjectOfANewerVersionIsRefusedNotMisread() {
    String bucket = newBucket();
    write(bucket, Map.of(SchemaVersion.FIELD, "2"));
    assertThatThrownBy(() -> new GcsNodeCatalogStore(storage(), bucket).current())
        .isInstanceOf(SchemaVersion.UnsupportedSchemaVersionException.class)
        .hasMessage("gs://" + bucket + "/catalog/object_info.json of schemaVersion 2: this reader knows versions 1 to 1");
  }

  private static void write(String bucket, Map<String, String> metadata) {
    storage().create(BlobInfo.newBuilder(BlobId.of(bucket, GcsNodeCatalogStore.OBJECT))
        .setContentType("application/json").setMetadata(metadata).build(), OBJECT_INFO.getBytes(StandardCharsets.UTF_8));
  }
}
