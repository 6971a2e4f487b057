package dev.darkroom.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobProgressKeyTest {
  private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
  private final Job queued = Job.queued("j", "u", 1, JsonNodeFactory.instance.objectNode(),
      JsonNodeFactory.instance.objectNode(), null, T);

  @Test
  void laterStatesSupersedeEarlierOnesAndNotTheOtherWayRound() {
    Job dispatched = queued.withStatus(JobStatus.DISPATCHED, T);
    Job running = dispatched.afterEvent(JobStatus.RUNNING, 1, null, List.of(), null, 0, T);
    Job succeeded = running.afterEvent(JobStatus.SUCCEEDED, 2, null, List.of(), null, 1, T);
    List<Job> inOrder = List.of(queued, dispatched, running, succeeded);
    for (int i = 0; i < inOrder.size(); i++) {
      for (int j = 0; j < inOrder.size(); j++) {
        assertThat(inOrder.get(i).supersedes(inOrder.get(j)))
            .as("%s over %s", inOrder.get(i).status(), inOrder.get(j).status())
            .isEqualTo(i >= j);
      }
    }
  }

  @Test
  void aNewAttemptSupersedesEverythingOfTheOldOne() {
    Job oldDone = queued.afterEvent(JobStatus.FAILED, 9, null, List.of(), null, 1, T);
    Job retried = queued.requeued(T);
    assertThat(retried.supersedes(oldDone)).isTrue();
    assertThat(oldDone.supersedes(retried)).isFalse();
  }
}
