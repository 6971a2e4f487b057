package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.darkroom.core.port.ExecutionStatus;
import dev.darkroom.core.port.ExecutionStatus.State;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.LaunchedExecutions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ExecutionStatus} must say of the executions its {@link JobLauncher} started,
 * the recording fake and Cloud Run alike: what the reconciler relies on to tell a dispatched job
 * whose task may still claim it from one whose task is gone; and what it lists of the launches it
 * runs ({@link LaunchedExecutions}), to find executions outside the GPU pool's count.
 */
@ContractOf({ExecutionStatus.class, LaunchedExecutions.class})
public abstract class ExecutionStatusContract {
  private static final GpuPool.Lease SLOT = new GpuPool.Lease("slot-0", "contract");
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Launches executions whose task runs until {@link #end} stops it. */
  protected abstract JobLauncher launcher();

  protected abstract ExecutionStatus status();

  /** The same platform's listing of the launches it runs, and their cancellation. */
  protected abstract LaunchedExecutions launches();

  /** Makes the platform finish the execution (cancelled, its task stopped). */
  protected abstract void end(String executionName);

  /** Makes the platform forget the execution (deleted). */
  protected abstract void forget(String executionName);

  @Test
  void aLaunchedExecutionIsActiveUntilItEnds() {
    String execution = launcher().launch(List.of("job-a"), SLOT);
    assertThat(status().state(execution)).isEqualTo(State.ACTIVE);
    end(execution);
    await().atMost(WAIT).until(() -> status().state(execution) == State.ENDED);
  }

  @Test
  void anExecutionThePlatformForgotIsMissing() {
    String execution = launcher().launch(List.of("job-b"), SLOT);
    forget(execution);
    assertThat(status().state(execution)).isEqualTo(State.MISSING);
  }

  @Test
  void anUnfinishedExecutionIsListedWithItsLaunchUntilItIsCancelled() {
    GpuPool.Lease lease = new GpuPool.Lease("slot-1", "listed-" + System.nanoTime());
    String execution = launcher().launch(List.of("job-e", "job-f"), lease);
    assertThat(launches().unfinished()).filteredOn(launch -> launch.executionName().equals(execution))
        .singleElement().satisfies(launch -> {
          assertThat(launch.slot()).isEqualTo(lease);
          assertThat(launch.jobIds()).containsExactly("job-e", "job-f");
        });

    launches().cancel(execution);
    await().atMost(WAIT).until(() -> status().state(execution) == State.ENDED);
    assertThat(launches().unfinished()).extracting(LaunchedExecutions.Launch::executionName).doesNotContain(execution);
    launches().cancel(execution); // over: nothing to do, no error
  }

  @Test
  void eachExecutionHasItsOwnState() {
    String ended = launcher().launch(List.of("job-c"), SLOT);
    String running = launcher().launch(List.of("job-d"), SLOT);
    end(ended);
    await().atMost(WAIT).until(() -> status().state(ended) == State.ENDED);
    assertThat(status().state(running)).isEqualTo(State.ACTIVE);
    end(running);
  }
}
