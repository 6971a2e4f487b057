package dev.darkroom.emulators.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.RunJobRequest.Overrides;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.longrunning.Operation;
import com.google.rpc.Code;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperationsTest {
  private static final String JOB = "projects/p/locations/l/jobs/j";

  private static ExecutionState execution() {
    ExecutionTemplate template = ExecutionTemplate.newBuilder()
        .setTemplate(TaskTemplate.newBuilder().addContainers(Container.newBuilder().addCommand("true")))
        .build();
    return new ExecutionState(JOB + "/executions/j-abcde", JOB, 0, Instant.now(),
        ExecutionPlan.of(template, Overrides.getDefaultInstance()), Map.of(), Map.of(), Path.of("logs"));
  }

  @Test
  void runningExecutionGivesAnUnfinishedOperationWithTheExecutionAsMetadata() throws Exception {
    Operation op = Operations.following("op", execution(), true);

    assertThat(op.getDone()).isFalse();
    assertThat(op.getMetadata().unpack(Execution.class).getName()).isEqualTo(JOB + "/executions/j-abcde");
  }

  @Test
  void succeededExecutionIsTheResponse() throws Exception {
    ExecutionState execution = execution();
    execution.tasks.get(0).phase = TaskState.Phase.SUCCEEDED;
    execution.completionTime = Instant.now();

    Operation op = Operations.following("op", execution, true);

    assertThat(op.getDone()).isTrue();
    assertThat(op.getResponse().unpack(Execution.class).getSucceededCount()).isEqualTo(1);
  }

  @Test
  void failedOrCancelledExecutionFailsRunJobsOperationButNotCancelsOperation() throws Exception {
    ExecutionState failed = execution();
    failed.tasks.get(0).phase = TaskState.Phase.FAILED;
    failed.completionTime = Instant.now();
    ExecutionState cancelled = execution();
    cancelled.cancelRequested = true;
    cancelled.tasks.get(0).phase = TaskState.Phase.CANCELLED;
    cancelled.completionTime = Instant.now();

    assertThat(Operations.following("op", failed, true).getError().getCode())
        .isEqualTo(Code.FAILED_PRECONDITION_VALUE);
    assertThat(Operations.following("op", cancelled, true).getError().getCode()).isEqualTo(Code.CANCELLED_VALUE);
    Operation cancelOperation = Operations.following("op", cancelled, false);
    assertThat(cancelOperation.hasError()).isFalse();
    assertThat(cancelOperation.getResponse().unpack(Execution.class).getCancelledCount()).isEqualTo(1);
  }
}
