package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.deployment.RunRefusal;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.port.RunEvents;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RunEvents} must do, the recording fake and Pub/Sub alike: a job's end reaches
 * the reply topic whole, a refusal reaches the public topic and the reply topic it names (no other),
 * each with the id integrations deduplicate by.
 */
public abstract class RunEventsContract {
  private static final Instant AT = Instant.parse("2026-11-23T10:00:00.123Z");

  /** The port, publishing where nothing has been published yet. */
  protected abstract RunEvents events();

  /** A reply topic the port may publish to, empty so far. */
  protected abstract String replyTopic();

  /** The jobs' ends a subscriber of {@link #replyTopic()} received, decoded; waits for what was published. */
  protected abstract List<JobNotification> endsOnReplyTopic();

  /** The refusals a subscriber of the public topic received, decoded. */
  protected abstract List<RunRefusal> refusalsOnPublicTopic();

  /** The refusals a subscriber of {@link #replyTopic()} received, decoded. */
  protected abstract List<RunRefusal> refusalsOnReplyTopic();

  private final String job = "job-" + UUID.randomUUID();

  @Test
  void aJobsEndReachesTheReplyTopicWhole() {
    JobNotification ended = new JobNotification(job + "/1/succeeded", job, "alice", "succeeded", AT);
    events().ended(ended, replyTopic());
    assertThat(endsOnReplyTopic()).containsExactly(ended);
  }

  @Test
  void aRefusalReachesThePublicTopicAndTheReplyTopicItNamed() {
    RunRefusal refusal = new RunRefusal("m-" + UUID.randomUUID(), "runs-acme", "acme", "alice", "portrait", "k1",
        List.of("inputs.seed: must be an integer", "inputs.steps: no such input in version 1"), AT);
    events().refused(refusal, replyTopic());
    assertThat(refusalsOnPublicTopic()).containsExactly(refusal);
    assertThat(refusalsOnReplyTopic()).containsExactly(refusal);
  }

  @Test
  void aRefusalOfAMessageOfNoIntegrationReachesOnlyThePublicTopicWithWhatIsUnknownLeftOut() {
    RunRefusal refusal = new RunRefusal("m-" + UUID.randomUUID(), "runs-unknown", null, null, null, null,
        List.of("topic runs-unknown is not the inbound topic of any configured integration"), AT);
    events().refused(refusal, null);
    assertThat(refusalsOnPublicTopic()).containsExactly(refusal);
    assertThat(refusalsOnReplyTopic()).isEmpty();
  }
}
