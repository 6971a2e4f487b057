package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A job's time limit and a lost attempt's start in the job document: written only when set, so a
 * job without them keeps the v1 golden shape ({@link JobDocumentsWireFormatTest}), and read back.
 */
class JobDocumentsTimeLimitTest {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private static Job queued() {
    return Job.queued("job-1", "alice", 1, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(),
        null, T0);
  }

  @Test
  void aJobsTimeLimitIsWrittenOnlyWhenItHasOneAndReadBack() {
    Job limited = queued().withMaxRunSeconds(600);
    Map<String, Object> doc = JobDocuments.toDocument(limited);

    assertThat(doc).containsEntry("maxRunSeconds", 600L);
    assertThat(JobDocuments.fromFields(limited.id(), doc).maxRunSeconds()).isEqualTo(600);
    assertThat(JobDocuments.toDocument(queued())).doesNotContainKey("maxRunSeconds");
    assertThat(JobDocuments.fromFields("job-1", JobDocuments.toDocument(queued())).maxRunSeconds()).isZero();
  }

  @Test
  void aLostAttemptKeepsWhenItBeganSoTheReconcilerCanTellWhetherItsLimitPassed() {
    Job lost = queued().withMaxRunSeconds(600).claimedBy("exec-1", T0).withHeartbeat(T0.plusSeconds(300))
        .lost(T0.plusSeconds(700));
    Job read = JobDocuments.fromFields(lost.id(), JobDocuments.toDocument(lost));

    assertThat(read.status()).isEqualTo(JobStatus.LOST);
    assertThat(read.runningSince()).isEqualTo(T0);
    assertThat(read.gpuSeconds()).isEqualTo(300.0);
    assertThat(read.pastTimeLimit(T0.plusSeconds(700))).isTrue();
    assertThat(read.pastTimeLimit(T0.plusSeconds(599))).isFalse();
  }
}
