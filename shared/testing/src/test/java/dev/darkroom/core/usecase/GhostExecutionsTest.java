package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.port.LaunchedExecutions.Launch;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 9: an execution that {@code runJob} created although the call failed (timed out,
 * lost its answer) runs outside the GPU pool's count once dispatch gives its slot back; the
 * reconciler finds it by its launch and adopts it back into its slot, or cancels it.
 */
class GhostExecutionsTest {
  private final UseCaseFixture f = new UseCaseFixture();
  private final JobSubmitted message = new JobSubmitted("p-1", "alice", 1);

  @BeforeEach
  void aLaunchWhoseAnswerWasLost() {
    f.launcher.now = f.clock::instant;
    f.submit.submit(f.request("alice", "p-1"));
    f.launcher.createThenFailNext(() -> new IllegalStateException("runJob gave no execution within 60 s"));
    assertThatThrownBy(() -> f.dispatch.dispatch(message)).isInstanceOf(IllegalStateException.class);
    assertThat(f.pool.usage(f.clock.instant()).held()).as("slots held after the failed launch").isZero();
  }

  @Test
  void anExecutionWhoseSlotWentToTheRedeliveredLaunchIsCancelled() {
    Launch ghost = f.launcher.unfinished().get(0);
    assertThat(f.dispatch.dispatch(message)).as("the redelivery").isEqualTo(DispatchJobs.Result.LAUNCHED);
    f.clock.advance(Duration.ofMinutes(1));

    f.reconcile.sweep();

    assertThat(f.launcher.cancelled).as("executions cancelled").containsExactly(ghost.executionName());
    assertThat(f.launcher.unfinished()).as("executions left").hasSize(1);
  }

  @Test
  void anExecutionWhoseSlotIsStillFreeIsAdoptedIntoIt() {
    Launch ghost = f.launcher.unfinished().get(0);
    f.clock.advance(Duration.ofMinutes(1));

    f.reconcile.sweep();

    assertThat(f.launcher.cancelled).as("executions cancelled").isEmpty();
    assertThat(f.pool.usage(f.clock.instant()).held()).as("slots held").isEqualTo(1);
    assertThat(f.pool.renew(ghost.slot(), false, f.clock.instant().plus(Duration.ofMinutes(1))))
        .as("the execution's task can renew its slot").isTrue();
  }
}
