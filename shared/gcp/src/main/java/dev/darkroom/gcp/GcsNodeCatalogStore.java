package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.darkroom.core.port.NodeCatalogStore;
import java.io.IOException;
import java.util.Optional;

/** {@link NodeCatalogStore} as one JSON object in the outputs bucket: {@code catalog/object_info.json}. */
public final class GcsNodeCatalogStore implements NodeCatalogStore {
  public static final String OBJECT = "catalog/object_info.json";
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
      bytes = storage.readAllBytes(BlobId.of(bucket, OBJECT));
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

  @Override
  public void publish(ObjectNode objectInfo) {
    try {
      storage.create(BlobInfo.newBuilder(BlobId.of(bucket, OBJECT)).setContentType("application/json").build(),
          JSON.writeValueAsBytes(objectInfo));
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise the node catalog", e);
    }
  }
}
