package dev.darkroom.emulators.eventarc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A CloudEvent function as Darkroom's functions are written, hosted by the Functions Framework's
 * executor in the tests. It records every event it is given. A message carrying the attribute
 * {@code failTimes} makes it throw (the framework then answers 500) that many times for that
 * message id, or every time when the value is {@code always}.
 */
public class RecordingFunction implements CloudEventsFunction {
  static final ConcurrentLinkedQueue<Received> RECEIVED = new ConcurrentLinkedQueue<>();
  private static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One event as the function saw it. */
  record Received(CloudEvent event, JsonNode data, long receivedNanos) {
    String id() {
      return event.getId();
    }

    JsonNode message() {
      return data.path("message");
    }

    String attribute(String name) {
      return message().path("attributes").path(name).asText(null);
    }
  }

  @Override
  public void accept(CloudEvent event) throws Exception {
    long now = System.nanoTime();
    JsonNode data = JSON.readTree(event.getData().toBytes());
    RECEIVED.add(new Received(event, data, now));
    int seen = SEEN.computeIfAbsent(event.getId(), id -> new AtomicInteger()).incrementAndGet();
    String failTimes = data.path("message").path("attributes").path("failTimes").asText("0");
    if (failTimes.equals("always") || seen <= Integer.parseInt(failTimes)) {
      throw new IllegalStateException("failing on purpose, delivery " + seen + " of " + event.getId());
    }
  }

  /** Events whose source is {@code topic}, in the order they arrived. */
  static List<Received> from(String projectId, String topic) {
    String source = "//pubsub.googleapis.com/projects/" + projectId + "/topics/" + topic;
    return RECEIVED.stream()
        .filter(received -> received.event().getSource().toString().equals(source))
        .collect(Collectors.toList());
  }
}
