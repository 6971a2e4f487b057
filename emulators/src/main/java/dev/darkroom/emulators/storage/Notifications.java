package dev.darkroom.emulators.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloud Storage's Pub/Sub notifications ({@code /b/{bucket}/notificationConfigs}): each finalized
 * object matching a config is published to the config's topic as GCS publishes it, attributes
 * {@code notificationConfig, eventType, payloadFormat, bucketId, objectId, objectGeneration,
 * eventTime} and, for {@code JSON_API_V1}, the object's JSON resource as data. Eventarc's Cloud
 * Storage triggers are built on exactly these messages. Configs live in memory: whoever needs them
 * creates them at start, as a deployment would once.
 *
 * <p>Only {@code OBJECT_FINALIZE} is emitted (no deletes or metadata updates yet). Like GCS, a
 * notification that cannot be published is lost, not retried: the write has already succeeded.
 */
final class Notifications {
  private static final Logger log = LoggerFactory.getLogger(Notifications.class);
  static final String FINALIZE = "OBJECT_FINALIZE";
  private static final String TOPIC_PREFIX = "//pubsub.googleapis.com/";

  /** Where messages go: a Pub/Sub topic ({@code projects/{p}/topics/{t}}). */
  @FunctionalInterface
  interface Sink {
    void publish(String topic, Map<String, String> attributes, byte[] data);
  }

  record Config(String id, String bucket, String topic, String payloadFormat, List<String> eventTypes,
      String objectNamePrefix, Map<String, String> customAttributes) {
    boolean matches(String eventType, String objectName) {
      return (eventTypes.isEmpty() || eventTypes.contains(eventType))
          && (objectNamePrefix == null || objectName.startsWith(objectNamePrefix));
    }
  }

  private final List<Config> configs = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile Sink sink;
  private volatile String baseUrl = "";

  void publishTo(Sink sink, String baseUrl) {
    this.sink = sink;
    this.baseUrl = baseUrl;
  }

  Config create(String bucket, JsonNode body) {
    String topic = body.path("topic").asText("");
    if (topic.startsWith(TOPIC_PREFIX)) {
      topic = topic.substring(TOPIC_PREFIX.length());
    }
    if (!topic.matches("projects/[^/]+/topics/[^/]+")) {
      throw GcsException.badRequest("topic must be //pubsub.googleapis.com/projects/{project}/topics/{topic}: "
          + body.path("topic").asText(""));
    }
    if (sink == null) {
      throw GcsException.badRequest("the emulator publishes notifications only when started with the Pub/Sub emulator");
    }
    String format = body.path("payload_format").asText("JSON_API_V1");
    if (!format.equals("JSON_API_V1") && !format.equals("NONE")) {
      throw GcsException.badRequest("payload_format must be JSON_API_V1 or NONE: " + format);
    }
    List<String> types = new ArrayList<>();
    body.path("event_types").forEach(type -> types.add(type.asText()));
    Map<String, String> custom = new LinkedHashMap<>();
    body.path("custom_attributes").fields().forEachRemaining(e -> custom.put(e.getKey(), e.getValue().asText()));
    String prefix = body.hasNonNull("object_name_prefix") ? body.get("object_name_prefix").asText() : null;
    Config config = new Config(Long.toString(ids.incrementAndGet()), bucket, topic, format, List.copyOf(types),
        prefix, Map.copyOf(custom));
    configs.add(config);
    return config;
  }

  List<Config> list(String bucket) {
    return configs.stream().filter(c -> c.bucket().equals(bucket)).toList();
  }

  Config get(String bucket, String id) {
    return list(bucket).stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> GcsException.notFound("No such notification config " + id + " on bucket " + bucket));
  }

  void delete(String bucket, String id) {
    configs.remove(get(bucket, id));
  }

  /** Called once an object's new generation is live. */
  void finalized(StoredObject object) {
    Sink current = sink;
    for (Config config : configs) {
      if (current == null || !config.bucket().equals(object.bucket()) || !config.matches(FINALIZE, object.name())) {
        continue;
      }
      Map<String, String> attributes = new LinkedHashMap<>(config.customAttributes());
      attributes.put("notificationConfig", "projects/_/buckets/" + config.bucket() + "/notificationConfigs/" + config.id());
      attributes.put("eventType", FINALIZE);
      attributes.put("payloadFormat", config.payloadFormat());
      attributes.put("bucketId", object.bucket());
      attributes.put("objectId", object.name());
      attributes.put("objectGeneration", Long.toString(object.generation()));
      attributes.put("eventTime", object.updated());
      byte[] data = new byte[0];
      if (config.payloadFormat().equals("JSON_API_V1")) {
        try {
          data = Resources.JSON.writeValueAsString(Resources.object(object, baseUrl)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }
      try {
        current.publish(config.topic(), attributes, data);
      } catch (RuntimeException e) {
        log.warn("storage notification for gs://{}/{} to {} lost: {}", object.bucket(), object.name(), config.topic(), e.toString());
      }
    }
  }

  static ObjectNode resource(Config c, String baseUrl) {
    ObjectNode node = Resources.JSON.createObjectNode()
        .put("kind", "storage#notification")
        .put("id", c.id())
        .put("selfLink", baseUrl + "/storage/v1/b/" + c.bucket() + "/notificationConfigs/" + c.id())
        .put("topic", TOPIC_PREFIX + c.topic())
        .put("payload_format", c.payloadFormat())
        .put("etag", c.id());
    if (!c.eventTypes().isEmpty()) {
      ArrayNode types = node.putArray("event_types");
      c.eventTypes().forEach(types::add);
    }
    if (c.objectNamePrefix() != null) {
      node.put("object_name_prefix", c.objectNamePrefix());
    }
    if (!c.customAttributes().isEmpty()) {
      ObjectNode custom = node.putObject("custom_attributes");
      c.customAttributes().forEach(custom::put);
    }
    return node;
  }
}
