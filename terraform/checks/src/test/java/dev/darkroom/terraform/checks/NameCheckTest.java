package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class NameCheckTest {

  @Test
  void topicsAreNamedAsTheCodeAndTheLocalStackNameThem() {
    assertThat(NameCheck.run(Module.ROOT, Module.parsed()).failures()).isEmpty();
  }

  @Test
  void failsOnARenamedTopic() {
    JsonNode module = Module.copy();
    Module.resource(module, "google_pubsub_topic", "job_events").put("name", "${local.name}-job-event");
    assertThat(NameCheck.run(Module.ROOT, module).failures()).containsExactlyInAnyOrder(
        "reconcile JOB_EVENTS_TOPIC: google_pubsub_topic.job_events is named \"${local.name}-job-event\", not \"${local.name}-job-events\" (the code's default)",
        "runner JOB_EVENTS_TOPIC: google_pubsub_topic.job_events is named \"${local.name}-job-event\", not \"${local.name}-job-events\" (the code's default)",
        "dispatch JOB_EVENTS_TOPIC: google_pubsub_topic.job_events is named \"${local.name}-job-event\", not \"${local.name}-job-events\" (the code's default)",
        "dead-letters JOB_EVENTS_TOPIC: google_pubsub_topic.job_events is named \"${local.name}-job-event\", not \"${local.name}-job-events\" (the code's default)",
        "google_pubsub_topic.job_events triggers a function but has no topic \"${local.name}-job-event-dead-letter\"");
  }

  @Test
  void failsOnAMissingDeadLetterSubscription() {
    JsonNode module = Module.copy();
    Module.remove(module, "google_pubsub_subscription", "job_events_dead_letter");
    assertThat(NameCheck.run(Module.ROOT, module).failures()).containsExactly(
        "google_pubsub_topic.job_events_dead_letter (\"${local.name}-job-events-dead-letter\") has no subscription to keep its messages for reconcile");
  }
}
