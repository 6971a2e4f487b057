package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.event.FinalizedObject;
import dev.darkroom.core.event.Messages.MalformedMessageException;
import io.cloudevents.CloudEvent;
import java.io.IOException;

/**
 * Reads a Cloud Storage object event from Eventarc ({@code google.cloud.storage.object.v1.*}, data:
 * the object's metadata as JSON). Anything else is a {@link MalformedMessageException}.
 */
public final class StorageCloudEvents {
  public static final String FINALIZED = "google.cloud.storage.object.v1.finalized";
  private static final ObjectMapper JSON = new ObjectMapper();

  private StorageCloudEvents() {}

  /** The object a {@value #FINALIZED} event says was written to {@code bucket}. */
  public static FinalizedObject finalizedIn(CloudEvent event, String bucket) {
    if (!FINALIZED.equals(event.getType()) || event.getData() == null) {
      throw new MalformedMessageException("of type " + event.getType() + ": not an object-finalize event", null);
    }
    JsonNode object;
    try {
      object = JSON.readTree(event.getData().toBytes());
    } catch (IOException e) {
      throw new MalformedMessageException("its data is not JSON: " + e.getMessage(), e);
    }
    String objectBucket = object.path("bucket").asText("");
    String name = object.path("name").asText("");
    if (!objectBucket.equals(bucket) || name.isEmpty()) {
      throw new MalformedMessageException("gs://" + objectBucket + "/" + name + " is not in bucket " + bucket, null);
    }
    return new FinalizedObject(name, object.path("contentType").asText(null),
        object.path("size").asLong(0), object.path("generation").asLong(0));
  }
}
