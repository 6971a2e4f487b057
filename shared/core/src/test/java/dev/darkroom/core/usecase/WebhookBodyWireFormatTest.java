package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.SchemaVersion;
import dev.darkroom.core.wire.Goldens;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The webhook body is read by receivers outside Darkroom: pinned by its golden files. */
class WebhookBodyWireFormatTest {
  private static final JobNotification SUCCEEDED = new JobNotification(
      "job-1/2/succeeded", "job-1", "user-1", "succeeded", Instant.parse("2026-11-23T10:00:00.123Z"));

  @Test
  void theBodyIsExactlyTheGoldenV1() {
    assertThat(Goldens.tree(NotifyJobEnded.webhookBody(SUCCEEDED))).isEqualTo(Goldens.tree("v1", "webhook-job-succeeded"));
  }

  /** A receiver written for the previous release finds every field it read, with the same value. */
  @Test
  void v1OnlyAddsTheVersionToThePreviousReleasesBody() {
    ObjectNode v1 = (ObjectNode) Goldens.tree("v1", "webhook-job-succeeded");
    JsonNode version = v1.remove(SchemaVersion.FIELD);
    assertThat(version.intValue()).isEqualTo(NotifyJobEnded.WEBHOOK_SCHEMA_VERSION).isEqualTo(1);
    assertThat(v1).isEqualTo(Goldens.tree("unversioned", "webhook-job-succeeded"));
  }
}
