package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.notify.DeliveryBudget;
import dev.darkroom.core.notify.RetrySchedule;
import dev.darkroom.testing.InMemoryDeliveryLog;
import dev.darkroom.testing.InMemoryDeviceTokens;
import dev.darkroom.testing.InMemoryEmailRecipients;
import dev.darkroom.testing.InMemoryPendingNotifications;
import dev.darkroom.testing.InMemoryWebhookEndpoints;
import dev.darkroom.testing.RecordingEmailSender;
import dev.darkroom.testing.RecordingIntegrationEvents;
import dev.darkroom.testing.RecordingPushSender;
import dev.darkroom.testing.RecordingRunEvents;
import dev.darkroom.testing.RecordingWebhookSender;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The end of an event-driven run's job on the reply topic its message named ({@link NotifyJobEnded.Replies}). */
class NotifyRunRepliesTest {
  private final UseCaseFixture f = new UseCaseFixture();
  private final RecordingIntegrationEvents integration = new RecordingIntegrationEvents();
  private final RecordingRunEvents runEvents = new RecordingRunEvents();
  private final NotifyJobEnded notify = new NotifyJobEnded(new InMemoryWebhookEndpoints(f.clock),
      new RecordingWebhookSender(), new InMemoryDeviceTokens(), new RecordingPushSender(), integration,
      new NotifyJobEnded.Mail(new InMemoryEmailRecipients(), new RecordingEmailSender()),
      new NotifyJobEnded.Replies(f.jobs, runEvents), new InMemoryDeliveryLog(), new InMemoryPendingNotifications(),
      new RetrySchedule(RetrySchedule.standard().waits(), () -> 0.5),
      new DeliveryBudget(Duration.ofSeconds(120), DeliveryBudget.DEFAULT_MARGIN, Duration.ofSeconds(15), 1), f.clock);

  /** A job submitted the way {@link RunDeployment} records a run, with or without a reply topic; its id. */
  private String submitted(String user, String replyTopic) {
    ObjectNode extraData = JsonNodeFactory.instance.objectNode();
    ObjectNode run = extraData.putObject(RunDeployment.EXTRA_DATA_KEY).put("name", "portrait").put("version", 1);
    if (replyTopic != null) {
      run.put(RunDeployment.REPLY_TOPIC, replyTopic);
    }
    SubmitPrompt.Result result = f.submit.submit(new SubmitPrompt.Request(user, UseCaseFixture.prompt(), null, null,
        false, null, extraData));
    return ((SubmitPrompt.Result.Accepted) result).promptId();
  }

  private JobNotification ended(String jobId, String user) {
    return new JobNotification(jobId + "/1/succeeded", jobId, user, "succeeded", f.clock.instant());
  }

  @Test
  void theEndOfARunThatNamedAReplyTopicGoesThereAndToThePublicTopicOnce() {
    JobNotification ended = ended(submitted("alice", "acme-replies"), "alice");

    NotifyJobEnded.Result first = notify.notify(ended);
    notify.notify(ended);

    assertThat(first.delivered()).contains(NotifyJobEnded.REPLY);
    assertThat(runEvents.ended).containsExactly(new RecordingRunEvents.Ended(ended, "acme-replies"));
    assertThat(integration.published).containsExactly(ended);
  }

  @Test
  void aJobWithoutAReplyTopicIsPublishedOnlyOnThePublicTopic() {
    JobNotification ended = ended(submitted("alice", null), "alice");

    assertThat(notify.notify(ended).delivered()).doesNotContain(NotifyJobEnded.REPLY);
    assertThat(runEvents.ended).isEmpty();
    assertThat(integration.published).containsExactly(ended);
  }

  @Test
  void aReplyThatFailsIsTriedAgainWhenDue() {
    JobNotification ended = ended(submitted("alice", "acme-replies"), "alice");
    runEvents.failures.add(new IllegalStateException("topic acme-replies: permission denied"));

    NotifyJobEnded.Result first = notify.notify(ended);
    assertThat(first.pending()).containsExactly(NotifyJobEnded.REPLY);
    f.clock.advance(Duration.between(f.clock.instant(), first.nextAttemptAt()));
    NotifyJobEnded.Result second = notify.notify(ended);

    assertThat(second.delivered()).containsExactly(NotifyJobEnded.REPLY);
    assertThat(runEvents.ended).containsExactly(new RecordingRunEvents.Ended(ended, "acme-replies"));
  }

  @Test
  void aNotificationOfAnotherUsersJobNeverReadsThatJobsReplyTopic() {
    String bobs = submitted("bob", "bob-replies");

    notify.notify(ended(bobs, "alice"));

    assertThat(runEvents.ended).isEmpty();
  }
}
