package dev.darkroom.emulators.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.RunJobRequest.Overrides;
import com.google.cloud.run.v2.RunJobRequest.Overrides.ContainerOverride;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExecutionPlanTest {
  private static final ExecutionTemplate JOB = ExecutionTemplate.newBuilder()
      .setTaskCount(2)
      .setParallelism(5)
      .setTemplate(TaskTemplate.newBuilder().addContainers(Container.newBuilder()
          .setName("runner")
          .addArgs("--serve")
          .addEnv(EnvVar.newBuilder().setName("A").setValue("job"))
          .addEnv(EnvVar.newBuilder().setName("B").setValue("job"))))
      .build();

  @Test
  void anOverrideWithAnEmptyValueLeavesTheVariableSetAndEmpty() {
    ExecutionPlan plan = ExecutionPlan.of(JOB, Overrides.newBuilder()
        .addContainerOverrides(ContainerOverride.newBuilder()
            .addEnv(EnvVar.newBuilder().setName("B").setValue(""))
            .addEnv(EnvVar.newBuilder().setName("DARKROOM_JOB_IDS").setValue("")))
        .build());

    assertThat(plan.template().getContainers(0).getEnvList()).extracting(EnvVar::getName, EnvVar::getValue)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("A", "job"), org.assertj.core.groups.Tuple.tuple("B", ""),
            org.assertj.core.groups.Tuple.tuple("DARKROOM_JOB_IDS", ""));
  }

  @Test
  void appliesCloudRunDefaultsWhenTheJobLeavesFieldsUnset() {
    ExecutionPlan plan = ExecutionPlan.of(JOB, Overrides.getDefaultInstance());

    assertThat(plan.taskCount()).isEqualTo(2);
    assertThat(plan.parallelism()).as("capped at task_count").isEqualTo(2);
    assertThat(plan.maxRetries()).isEqualTo(3);
    assertThat(plan.timeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(plan.template().getContainers(0).getArgsList()).containsExactly("--serve");
  }

  @Test
  void overrideReplacesArgsMergesEnvAndSetsTaskCountAndTimeout() {
    ExecutionPlan plan = ExecutionPlan.of(JOB, Overrides.newBuilder()
        .setTaskCount(7)
        .setTimeout(Durations.fromSeconds(30))
        .addContainerOverrides(ContainerOverride.newBuilder()
            .addArgs("--once")
            .addEnv(EnvVar.newBuilder().setName("B").setValue("override"))
            .addEnv(EnvVar.newBuilder().setName("C").setValue("override")))
        .build());

    Container container = plan.template().getContainers(0);
    assertThat(container.getArgsList()).containsExactly("--once");
    assertThat(container.getEnvList()).extracting(EnvVar::getName, EnvVar::getValue).containsExactly(
        org.assertj.core.groups.Tuple.tuple("A", "job"),
        org.assertj.core.groups.Tuple.tuple("B", "override"),
        org.assertj.core.groups.Tuple.tuple("C", "override"));
    assertThat(plan.taskCount()).isEqualTo(7);
    assertThat(plan.parallelism()).isEqualTo(5);
    assertThat(plan.timeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void clearArgsRemovesTheJobsArgs() {
    ExecutionPlan plan = ExecutionPlan.of(JOB, Overrides.newBuilder()
        .addContainerOverrides(ContainerOverride.newBuilder().setName("runner").setClearArgs(true))
        .build());

    assertThat(plan.template().getContainers(0).getArgsList()).isEmpty();
  }

  @Test
  void rejectsAnOverrideForAContainerTheJobDoesNotHave() {
    Overrides overrides = Overrides.newBuilder()
        .addContainerOverrides(ContainerOverride.newBuilder().setName("sidecar"))
        .build();

    assertThatThrownBy(() -> ExecutionPlan.of(JOB, overrides))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("sidecar");
  }
}
