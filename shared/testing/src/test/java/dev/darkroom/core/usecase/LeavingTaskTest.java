package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.port.LaunchedExecutions.Launch;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A task gives its GPU slot back as the last thing it does before its process exits, so for a
 * moment its execution is still listed as running with its slot free. A reconcile sweep in that
 * moment must not count it again: a task that left takes no work, and an adopted slot would stay
 * held for the reconciler's lost-after time (3 minutes in the cloud) with nobody in it, keeping a
 * full pool from launching for the queue.
 */
class LeavingTaskTest {
  private final UseCaseFixture f = new UseCaseFixture();

  @Test
  void aTaskThatGaveItsSlotBackAsItLeftIsNotCountedAgainWhileItsExecutionEnds() {
    f.launcher.now = f.clock::instant;
    f.submit.submit(f.request("alice", "p-1"));
    assertThat(f.dispatch.dispatch(new JobSubmitted("p-1", "alice", 1))).isEqualTo(DispatchJobs.Result.LAUNCHED);
    Launch task = f.launcher.unfinished().get(0);
    f.clock.advance(Duration.ofSeconds(30));

    f.pool.leave(task.slot(), f.clock.instant());
    f.reconcile.sweep();

    assertThat(f.pool.usage(f.clock.instant()).held()).as("slots held after the sweep").isZero();
    assertThat(f.launcher.cancelled).as("executions cancelled: it is on its way out by itself").isEmpty();
  }
}
