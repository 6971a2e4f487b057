package dev.darkroom.gcp;

import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.NotificationPublisher;
import dev.darkroom.testing.PublisherContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The Pub/Sub adapters pass the same contract as the recording fakes: each publisher, configured
 * by its topic variable only, puts on its own topic what that topic's consumer decodes.
 */
class PubSubPublishersIT extends PublisherContract {
  private final EmulatorTopics topics = new EmulatorTopics();
  private final List<Adapters> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(Adapters::close);
    topics.close();
  }

  @Override
  protected Publishers publishers() {
    Map<String, String> env = new LinkedHashMap<>(SharedLocalCloud.cloud().environment());
    Map<String, EmulatorTopics.Topic> created = new LinkedHashMap<>();
    for (String variable : List.of("JOB_SUBMITTED_TOPIC", "JOB_EVENTS_TOPIC", "NOTIFICATIONS_TOPIC")) {
      EmulatorTopics.Topic topic = topics.create();
      env.put(variable, topic.topic());
      created.put(variable, topic);
    }
    Env config = new Env(env);
    Adapters adapters = new Adapters(GoogleCloudConfig.from(config));
    opened.add(adapters);
    return new Publishers() {
      @Override public JobQueue queue() { return adapters.jobQueue(TopicConfig.jobSubmitted(config)); }
      @Override public JobEventPublisher events() { return adapters.jobEvents(TopicConfig.jobEvents(config)); }
      @Override public NotificationPublisher notifications() { return adapters.notifications(TopicConfig.notifications(config)); }
      @Override public List<JobSubmitted> submitted() { return drain(created.get("JOB_SUBMITTED_TOPIC"), JobSubmitted.class); }
      @Override public List<JobEvent> jobEvents() { return drain(created.get("JOB_EVENTS_TOPIC"), JobEvent.class); }
      @Override public List<JobNotification> notified() { return drain(created.get("NOTIFICATIONS_TOPIC"), JobNotification.class); }
    };
  }

  private <T> List<T> drain(EmulatorTopics.Topic topic, Class<T> type) {
    return topics.drain(topic).stream().map(message -> Messages.decode(message.getData().toByteArray(), type)).toList();
  }
}
