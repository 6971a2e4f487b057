package dev.darkroom.emulators.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.ListJobsRequest;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.cloud.run.v2.Task;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.cloud.run.v2.TasksClient;
import com.google.protobuf.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What Darkroom relies on from Cloud Run Jobs, written only against the official clients so the
 * same tests run against the emulator and against real Cloud Run. Task scripts are POSIX sh.
 */
abstract class CloudRunJobsContract {

  protected abstract JobsClient jobs();

  protected abstract ExecutionsClient executions();

  protected abstract TasksClient tasks();

  protected abstract String project();

  protected abstract String location();

  /** A container that runs {@code script} with a POSIX shell, as its only arg. */
  protected abstract Container.Builder container(String script);

  /** How long an execution of a few trivial tasks may take, start-up included. */
  protected abstract Duration executionDeadline();

  protected Duration pollInterval() {
    return Duration.ofMillis(100);
  }

  private final List<String> createdJobs = new ArrayList<>();

  @AfterEach
  void deleteCreatedJobs() throws Exception {
    for (String name : createdJobs) {
      try {
        jobs().deleteJobAsync(name).get(2, TimeUnit.MINUTES);
      } catch (Exception alreadyGone) {
        // A test may have deleted it; anything else shows up as a leftover job, not a failure here.
      }
    }
  }

  protected final String parent() {
    return "projects/" + project() + "/locations/" + location();
  }

  protected final Job createJob(ExecutionTemplate.Builder template) throws Exception {
    String jobId = "ct-" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT);
    Job job = jobs().createJobAsync(parent(), Job.newBuilder().setTemplate(template).build(), jobId)
        .get(2, TimeUnit.MINUTES);
    createdJobs.add(job.getName());
    return job;
  }

  protected final ExecutionTemplate.Builder template(String script, int taskCount, int maxRetries) {
    return ExecutionTemplate.newBuilder()
        .setTaskCount(taskCount)
        .setTemplate(TaskTemplate.newBuilder()
            .addContainers(container(script))
            .setMaxRetries(maxRetries)
            .setTimeout(Durations.fromSeconds(120)));
  }

  /** Starts an execution and returns its name as soon as Cloud Run has created it. */
  protected final String run(RunJobRequest request) throws Exception {
    return jobs().runJobAsync(request).getMetadata().get(2, TimeUnit.MINUTES).getName();
  }

  protected final Execution awaitCompletion(String executionName) {
    return await().atMost(executionDeadline()).pollInterval(pollInterval())
        .until(() -> executions().getExecution(executionName), Execution::hasCompletionTime);
  }

  protected static Condition condition(Execution execution, String type) {
    return execution.getConditionsList().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  protected static EnvVar env(String name, String value) {
    return EnvVar.newBuilder().setName(name).setValue(value).build();
  }

  @Test
  void createsGetsListsAndDeletesAJob() throws Exception {
    Job created = createJob(template("exit 0", 1, 0).putLabels("team", "darkroom"));

    Job read = jobs().getJob(created.getName());
    assertThat(read.getName()).startsWith(parent() + "/jobs/ct-");
    assertThat(read.getTemplate().getLabelsMap()).containsEntry("team", "darkroom");
    assertThat(read.getTemplate().getTemplate().getContainers(0).getArgsList()).containsExactly("exit 0");
    assertThat(read.getUid()).isNotEmpty();
    assertThat(read.hasCreateTime()).isTrue();

    Job other = createJob(template("exit 0", 1, 0));
    List<String> listed = new ArrayList<>();
    jobs().listJobs(ListJobsRequest.newBuilder().setParent(parent()).setPageSize(1).build())
        .iterateAll().forEach(job -> listed.add(job.getName()));
    assertThat(listed).contains(created.getName(), other.getName()).doesNotHaveDuplicates();

    jobs().deleteJobAsync(created.getName()).get(2, TimeUnit.MINUTES);
    assertThatThrownBy(() -> jobs().getJob(created.getName())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void updatedTemplateIsWhatTheNextExecutionRuns() throws Exception {
    Job created = createJob(template("exit 4", 1, 0));

    Job updated = jobs().updateJobAsync(created.toBuilder().setTemplate(template("exit 0", 1, 0)).build())
        .get(2, TimeUnit.MINUTES);
    String executionName = run(RunJobRequest.newBuilder().setName(created.getName()).build());

    assertThat(updated.getGeneration()).isGreaterThan(created.getGeneration());
    assertThat(awaitCompletion(executionName).getSucceededCount()).isEqualTo(1);
    Job read = jobs().getJob(created.getName());
    assertThat(read.getExecutionCount()).isEqualTo(1);
    assertThat(read.getLatestCreatedExecution().getName()).isEqualTo(executionName);
  }

  @Test
  void runsTaskCountTasksWithOverriddenArgsAndMergedEnv() throws Exception {
    Container.Builder container = container("exit 5").addEnv(env("FOO", "template")).addEnv(env("KEEP", "kept"));
    Job job = createJob(template("exit 5", 1, 0).setTemplate(
        TaskTemplate.newBuilder().addContainers(container).setMaxRetries(0).setTimeout(Durations.fromSeconds(120))));
    String checksOwnEnvironment = "test \"$CLOUD_RUN_TASK_COUNT\" = 3 && test \"$FOO\" = bar"
        + " && test \"$KEEP\" = kept && test -n \"$CLOUD_RUN_TASK_INDEX\""
        + " && test \"$CLOUD_RUN_JOB\" = \"" + job.getName().substring(job.getName().lastIndexOf('/') + 1) + "\""
        + " && test \"$CLOUD_RUN_TASK_ATTEMPT\" = 0 || exit 3";

    String executionName = run(RunJobRequest.newBuilder()
        .setName(job.getName())
        .setOverrides(RunJobRequest.Overrides.newBuilder()
            .setTaskCount(3)
            .addContainerOverrides(RunJobRequest.Overrides.ContainerOverride.newBuilder()
                .addArgs(checksOwnEnvironment)
                .addEnv(env("FOO", "bar"))))
        .build());

    assertThat(executionName).startsWith(job.getName() + "/executions/"
        + job.getName().substring(job.getName().lastIndexOf('/') + 1) + "-");
    Execution done = awaitCompletion(executionName);
    assertThat(done.getTaskCount()).isEqualTo(3);
    assertThat(done.getSucceededCount()).isEqualTo(3);
    assertThat(done.getFailedCount()).isZero();
    assertThat(done.getRunningCount()).isZero();
    assertThat(done.getRetriedCount()).isZero();
    assertThat(done.hasStartTime()).isTrue();
    assertThat(condition(done, "Completed").getState()).isEqualTo(Condition.State.CONDITION_SUCCEEDED);
    assertThat(executions().listExecutions(job.getName()).iterateAll())
        .extracting(Execution::getName).containsExactly(executionName);

    List<Task> taskList = new ArrayList<>();
    tasks().listTasks(executionName).iterateAll().forEach(taskList::add);
    assertThat(taskList).extracting(Task::getIndex).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(taskList).allSatisfy(task -> {
      assertThat(task.getLastAttemptResult().getExitCode()).isZero();
      assertThat(task.hasCompletionTime()).isTrue();
      assertThat(task.getRetried()).isZero();
    });
    Task first = tasks().getTask(taskList.get(0).getName());
    assertThat(first.getExecution()).isEqualTo(executionName.substring(executionName.lastIndexOf('/') + 1));
  }

  @Test
  void runJobOperationCompletesWithTheFinishedExecution() throws Exception {
    Job job = createJob(template("exit 0", 2, 0));

    Execution result = jobs().runJobAsync(job.getName()).get(executionDeadline().toSeconds(), TimeUnit.SECONDS);

    assertThat(result.getSucceededCount()).isEqualTo(2);
    assertThat(result.hasCompletionTime()).isTrue();
  }

  @Test
  void retriesAFailingTaskUpToMaxRetriesThenFailsTheExecution() throws Exception {
    Job job = createJob(template("echo attempt $CLOUD_RUN_TASK_ATTEMPT; exit 7", 1, 1));

    Execution done = awaitCompletion(run(RunJobRequest.newBuilder().setName(job.getName()).build()));

    assertThat(done.getFailedCount()).isEqualTo(1);
    assertThat(done.getSucceededCount()).isZero();
    assertThat(done.getRetriedCount()).isEqualTo(1);
    assertThat(condition(done, "Completed").getState()).isEqualTo(Condition.State.CONDITION_FAILED);
    Task task = tasks().listTasks(done.getName()).iterateAll().iterator().next();
    assertThat(task.getRetried()).isEqualTo(1);
    assertThat(task.getLastAttemptResult().getExitCode()).isEqualTo(7);
  }

  @Test
  void killsATaskThatOutlivesItsTimeoutAndReportsItFailed() throws Exception {
    Job job = createJob(template("sleep 300", 1, 0).setTemplate(TaskTemplate.newBuilder()
        .addContainers(container("sleep 300"))
        .setMaxRetries(0)
        .setTimeout(Durations.fromSeconds(120))));

    String executionName = run(RunJobRequest.newBuilder()
        .setName(job.getName())
        .setOverrides(RunJobRequest.Overrides.newBuilder().setTimeout(Durations.fromSeconds(2)))
        .build());
    Execution done = awaitCompletion(executionName);

    assertThat(done.getFailedCount()).isEqualTo(1);
    assertThat(done.getSucceededCount()).isZero();
    // The run's 2 s, not the template's 120 s, is the timeout the task ran under; its script would
    // sleep 300 s and then succeed, so a failed task was stopped by that timeout.
    Task task = tasks().listTasks(executionName).iterateAll().iterator().next();
    assertThat(task.getTimeout()).isEqualTo(Durations.fromSeconds(2));
  }

  @Test
  void cancelStopsALongRunningExecution() throws Exception {
    Job job = createJob(template("sleep 300", 2, 0));
    String executionName = run(RunJobRequest.newBuilder().setName(job.getName()).build());
    await().atMost(executionDeadline()).pollInterval(pollInterval())
        .until(() -> executions().getExecution(executionName).getRunningCount() == 2);

    executions().cancelExecutionAsync(executionName).getInitialFuture().get(2, TimeUnit.MINUTES);
    Execution done = awaitCompletion(executionName);

    assertThat(done.getCancelledCount()).isEqualTo(2);
    assertThat(done.getRunningCount()).isZero();
    assertThat(done.getSucceededCount()).isZero();
    Condition completed = condition(done, "Completed");
    assertThat(completed.getState()).isEqualTo(Condition.State.CONDITION_FAILED);
    assertThat(completed.getExecutionReason()).isEqualTo(Condition.ExecutionReason.CANCELLED);
  }
}
