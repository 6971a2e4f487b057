package dev.darkroom.core.job;

import static dev.darkroom.core.job.JobStatus.CANCELLED;
import static dev.darkroom.core.job.JobStatus.DISPATCHED;
import static dev.darkroom.core.job.JobStatus.FAILED;
import static dev.darkroom.core.job.JobStatus.LOST;
import static dev.darkroom.core.job.JobStatus.QUEUED;
import static dev.darkroom.core.job.JobStatus.RUNNING;
import static dev.darkroom.core.job.JobStatus.SUCCEEDED;
import static dev.darkroom.core.job.JobStatus.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobStatusTest {

  /** The design's table, written out independently of the code under test. */
  private static final Map<JobStatus, Set<JobStatus>> ALLOWED = Map.of(
      QUEUED, EnumSet.of(DISPATCHED, RUNNING, CANCELLED, FAILED),
      DISPATCHED, EnumSet.of(RUNNING, QUEUED, CANCELLED, FAILED, TIMED_OUT),
      RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, LOST, QUEUED),
      LOST, EnumSet.of(QUEUED, FAILED, TIMED_OUT),
      SUCCEEDED, EnumSet.noneOf(JobStatus.class),
      FAILED, EnumSet.noneOf(JobStatus.class),
      CANCELLED, EnumSet.noneOf(JobStatus.class),
      TIMED_OUT, EnumSet.noneOf(JobStatus.class));

  @Test
  void everyPairFollowsTheTable() {
    for (JobStatus from : JobStatus.values()) {
      for (JobStatus to : JobStatus.values()) {
        assertThat(from.canMoveTo(to))
            .as("%s -> %s", from, to)
            .isEqualTo(ALLOWED.get(from).contains(to));
      }
    }
  }

  @Test
  void noStatusMovesToItself() {
    for (JobStatus status : JobStatus.values()) {
      assertThat(status.canMoveTo(status)).as("%s -> itself", status).isFalse();
    }
  }

  @Test
  void terminalStatusesAreExactlyTheEndStates() {
    assertThat(EnumSet.allOf(JobStatus.class).stream().filter(JobStatus::isTerminal))
        .containsExactlyInAnyOrder(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT);
  }

  @Test
  void wireNamesRoundTrip() {
    assertThat(TIMED_OUT.wireName()).isEqualTo("timed_out");
    for (JobStatus status : JobStatus.values()) {
      assertThat(JobStatus.fromWireName(status.wireName())).isEqualTo(status);
    }
    assertThatThrownBy(() -> JobStatus.fromWireName("done")).isInstanceOf(IllegalArgumentException.class);
  }
}
