package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.darkroom.core.event.SchemaVersion;
import dev.darkroom.core.port.NodeCatalogStore;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * {@link NodeCatalogStore} as one JSON object in the outputs bucket: {@code catalog/object_info.json}.
 * The runner publishes it and the api reads it, so it is versioned; the content is ComfyUI's
 * {@code /object_info} verbatim, whose top-level keys are node classes, so the {@link SchemaVersion}
 * is the object's custom metadata {@value SchemaVersion#FIELD} rather than a field (an object
 * without it is version 1; a newer one is refused).
 */
public final class GcsNodeCatalogStore implements NodeCatalogStore {
  public static final String OBJECT = "catalog/object_info.json";
  /** The version of the catalog objects this code writes, and the newest it reads. */
  public static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Storage storage;
  private final String bucket;

  public GcsNodeCatalogStore(Storage storage, String bucket) {
    this.storage = storage;
    this.bucket = bucket;
  }

  @Override
  public Optional<ObjectNode> current() {
    byte[] bytes;
    try {
      Blob object = storage.get(BlobId.of(bucket, OBJECT));
      if (object == null) {
        return Optional.empty();
      }
      checkVersion(object.getMetadata());
      // The generation whose metadata was just checked, even if a newer one lands meanwhile.
      bytes = storage.readAllBytes(BlobId.of(bucket, OBJECT, object.getGeneration()));
    } catch (StorageException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      if (!(node instanceof ObjectNode objectInfo)) {
        throw new IllegalStateException("gs://" + bucket + "/" + OBJECT + " is not a JSON object");
      }
      return Optional.of(objectInfo);
    } catch (IOException e) {
      throw new IllegalStateException("gs://" + bucket + "/" + OBJECT + " is not valid JSON", e);
    }
  }

  /** The object's generation: Cloud Storage gives every write of an object a new one. */
  @Override
  public Optional<String> version() {
    try {
      Blob object = storage.get(BlobId.of(bucket, OBJECT), Storage.BlobGetOption.fields(Storage.BlobField.GENERATION));
      return object == null ? Optional.empty() : Optional.of(Long.toString(object.getGeneration()));
    } catch (StorageException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void checkVersion(Map<String, String> metadata) {
    String version = metadata == null ? null : metadata.get(SchemaVersion.FIELD);
    SchemaVersion.accepted(version != null && version.matches("[0-9]{1,9}") ? (Object) Integer.valueOf(version) : version,
        SCHEMA_VERSION, "gs://" + bucket + "/" + OBJECT);
  }

  @Override
  public void publish(ObjectNode objectInfo) {
    try {
      storage.create(BlobInfo.newBuilder(BlobId.of(bucket, OBJECT)).setContentType("application/json")
              .setMetadata(Map.of(SchemaVersion.FIELD, Integer.toString(SCHEMA_VERSION))).build(),
          JSON.writeValueAsBytes(objectInfo));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise the node catalog", e);
    }
  }
}
