package dev.darkroom.emulators.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.DeadlineExceededException;
import com.google.api.gax.rpc.InternalException;
import com.google.api.gax.rpc.ResourceExhaustedException;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.api.gax.rpc.UnavailableException;
import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.ExecutionsSettings;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.JobsSettings;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.cloud.run.v2.Task;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.cloud.run.v2.TasksClient;
import com.google.cloud.run.v2.TasksSettings;
import com.google.protobuf.util.Durations;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract against the emulator, plus what only the emulator can show: the processes themselves. */
class CloudRunJobsEmulatorIT extends CloudRunJobsContract {
  @TempDir static Path workDir;

  private static CloudRunJobsEmulator emulator;
  private static ManagedChannel channel;
  private static JobsClient jobs;
  private static ExecutionsClient executions;
  private static TasksClient tasks;

  @BeforeAll
  static void startEmulator() throws IOException {
    emulator = CloudRunJobsEmulator.start(0, workDir);
    emulator.setTerminationGrace(Duration.ofMillis(500));
    String target = emulator.hostPort();
    channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    TransportChannelProvider transport = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    jobs = JobsClient.create(JobsSettings.newBuilder()
        .setEndpoint(target).setTransportChannelProvider(transport)
        .setCredentialsProvider(NoCredentialsProvider.create()).build());
    executions = ExecutionsClient.create(ExecutionsSettings.newBuilder()
        .setEndpoint(target).setTransportChannelProvider(transport)
        .setCredentialsProvider(NoCredentialsProvider.create()).build());
    tasks = TasksClient.create(TasksSettings.newBuilder()
        .setEndpoint(target).setTransportChannelProvider(transport)
        .setCredentialsProvider(NoCredentialsProvider.create()).build());
  }

  @AfterAll
  static void stopEmulator() throws InterruptedException {
    jobs.close();
    executions.close();
    tasks.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    emulator.close();
  }

  @Override
  protected JobsClient jobs() {
    return jobs;
  }

  @Override
  protected ExecutionsClient executions() {
    return executions;
  }

  @Override
  protected TasksClient tasks() {
    return tasks;
  }

  @Override
  protected String project() {
    return "darkroom-local";
  }

  @Override
  protected String location() {
    return "us-central1";
  }

  @Override
  protected Container.Builder container(String script) {
    return Container.newBuilder().setImage("local/bash").addCommand("bash").addCommand("-c").addArgs(script);
  }

  @Override
  protected Duration executionDeadline() {
    return Duration.ofSeconds(20);
  }

  @Test
  void environmentPointsAtTheEmulator() {
    assertThat(emulator.name()).isEqualTo("cloud-run-jobs");
    assertThat(emulator.environment()).containsExactlyEntriesOf(
        java.util.Map.of("CLOUD_RUN_EMULATOR_HOST", "127.0.0.1:" + emulator.port()));
  }

  @Test
  void eachTaskIsItsOwnProcessWithCloudRunEnvironment(@TempDir Path out) throws Exception {
    Job job = createJob(template(
        "echo \"$CLOUD_RUN_TASK_INDEX $CLOUD_RUN_TASK_ATTEMPT $CLOUD_RUN_EXECUTION $$\" > \"$OUT/task-$CLOUD_RUN_TASK_INDEX\"",
        4, 0));
    String executionName = run(RunJobRequest.newBuilder().setName(job.getName())
        .setOverrides(RunJobRequest.Overrides.newBuilder().addContainerOverrides(
            RunJobRequest.Overrides.ContainerOverride.newBuilder().addEnv(env("OUT", out.toString()))))
        .build());

    assertThat(awaitCompletion(executionName).getSucceededCount()).isEqualTo(4);
    String executionId = executionName.substring(executionName.lastIndexOf('/') + 1);
    List<Long> pids = new ArrayList<>();
    for (int index = 0; index < 4; index++) {
      String[] fields = Files.readString(out.resolve("task-" + index)).trim().split(" ");
      assertThat(fields).startsWith(Integer.toString(index), "0", executionId);
      pids.add(Long.parseLong(fields[3]));
    }
    assertThat(pids).doesNotHaveDuplicates();
    assertThat(emulator.attempts(executionName))
        .extracting(TaskAttempt::pid).containsExactlyInAnyOrderElementsOf(pids);
    assertThat(emulator.attempts(executionName)).allSatisfy(a -> assertThat(a.exitCode()).isZero());
  }

  @Test
  void writesEachAttemptsOutputToItsOwnLogFile() throws Exception {
    Job job = createJob(template("echo out-$CLOUD_RUN_TASK_ATTEMPT; echo err-$CLOUD_RUN_TASK_ATTEMPT >&2; exit 1", 1, 1));
    String executionName = run(RunJobRequest.newBuilder().setName(job.getName()).build());
    awaitCompletion(executionName);

    assertThat(emulator.attempts(executionName)).extracting(TaskAttempt::attempt).containsExactly(0, 1);
    assertThat(emulator.taskLog(executionName, 0, 0)).isEqualTo(emulator.attempts(executionName).get(0).log());
    assertThat(Files.readAllLines(emulator.taskLog(executionName, 0, 0))).containsExactlyInAnyOrder("out-0", "err-0");
    assertThat(Files.readAllLines(emulator.taskLog(executionName, 0, 1))).containsExactlyInAnyOrder("out-1", "err-1");
  }

  @Test
  void sigkillsATaskThatIgnoresSigtermAfterTheGrace() throws Exception {
    Job job = createJob(template("trap 'echo got TERM' TERM; echo started; while :; do sleep 0.05; done", 1, 0));
    String executionName = run(RunJobRequest.newBuilder().setName(job.getName())
        .setOverrides(RunJobRequest.Overrides.newBuilder().setTimeout(Durations.fromSeconds(1)))
        .build());

    Execution done = awaitCompletion(executionName);

    assertThat(done.getFailedCount()).isEqualTo(1);
    TaskAttempt attempt = emulator.attempts(executionName).get(0);
    assertThat(attempt.exitCode()).isEqualTo(137);
    assertThat(ProcessHandle.of(attempt.pid())).isEmpty();
    assertThat(Files.readAllLines(attempt.log())).contains("started", "got TERM");
    Task task = tasks.listTasks(executionName).iterateAll().iterator().next();
    assertThat(task.getLastAttemptResult().getTermSignal()).isEqualTo(9);
  }

  @Test
  void neverRunsMoreTasksAtOnceThanParallelism(@TempDir Path out) throws Exception {
    String script = "date +%s%N > \"$OUT/$CLOUD_RUN_TASK_INDEX.start\"; sleep 0.3;"
        + " date +%s%N > \"$OUT/$CLOUD_RUN_TASK_INDEX.end\"";
    Job job = createJob(template(script, 3, 0).setParallelism(1));
    String executionName = run(RunJobRequest.newBuilder().setName(job.getName())
        .setOverrides(RunJobRequest.Overrides.newBuilder().addContainerOverrides(
            RunJobRequest.Overrides.ContainerOverride.newBuilder().addEnv(env("OUT", out.toString()))))
        .build());

    Execution done = awaitCompletion(executionName);

    assertThat(done.getSucceededCount()).isEqualTo(3);
    assertThat(done.getParallelism()).isEqualTo(1);
    List<long[]> intervals = new ArrayList<>();
    for (int index = 0; index < 3; index++) {
      intervals.add(new long[] {
          Long.parseLong(Files.readString(out.resolve(index + ".start")).trim()),
          Long.parseLong(Files.readString(out.resolve(index + ".end")).trim())});
    }
    intervals.sort((a, b) -> Long.compare(a[0], b[0]));
    for (int i = 1; i < intervals.size(); i++) {
      assertThat(intervals.get(i)[0]).as("task started before the previous one ended")
          .isGreaterThanOrEqualTo(intervals.get(i - 1)[1]);
    }
  }

  @Test
  void runsAllTasksAtOnceWhenParallelismIsUnset(@TempDir Path out) throws Exception {
    // Each task waits until all three exist, which only happens if they run at the same time.
    String script = "touch \"$OUT/$CLOUD_RUN_TASK_INDEX\";"
        + " while [ \"$(ls \"$OUT\" | wc -l)\" -lt 3 ]; do sleep 0.05; done";
    Job job = createJob(template(script, 3, 0));
    String executionName = run(RunJobRequest.newBuilder().setName(job.getName())
        .setOverrides(RunJobRequest.Overrides.newBuilder().setTimeout(Durations.fromSeconds(10))
            .addContainerOverrides(RunJobRequest.Overrides.ContainerOverride.newBuilder()
                .addEnv(env("OUT", out.toString()))))
        .build());

    assertThat(awaitCompletion(executionName).getSucceededCount()).isEqualTo(3);
  }

  @Test
  void refusedLaunchAnswersResourceExhaustedAndStartsNothing() throws Exception {
    Job job = createJob(template("exit 0", 1, 0));
    int refusedBefore = emulator.refusedLaunches();
    emulator.refuseNextLaunches(1);

    assertThatThrownBy(() -> jobs.runJobAsync(job.getName()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ResourceExhaustedException.class);
    assertThat(executions.listExecutions(job.getName()).iterateAll()).isEmpty();
    assertThat(emulator.refusedLaunches()).isEqualTo(refusedBefore + 1);

    String executionName = run(RunJobRequest.newBuilder().setName(job.getName()).build());
    assertThat(awaitCompletion(executionName).getSucceededCount()).isEqualTo(1);
  }

  @Test
  void failedLaunchesAnswerTheInjectedErrorThenLaunchesWorkAgain() throws Exception {
    Job job = createJob(template("exit 0", 1, 0));
    int failedBefore = emulator.failedLaunches();
    emulator.failNextLaunches(1);
    emulator.failNextLaunches(2, Status.Code.INTERNAL);

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> jobs.runJobAsync(job.getName()).getMetadata().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(InternalException.class);
    }
    assertThat(executions.listExecutions(job.getName()).iterateAll()).isEmpty();
    emulator.failNextLaunches(1);
    assertThatThrownBy(() -> jobs.runJobAsync(job.getName()).getMetadata().get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UnavailableException.class);
    assertThat(emulator.failedLaunches()).isEqualTo(failedBefore + 3);

    String executionName = run(RunJobRequest.newBuilder().setName(job.getName()).build());
    assertThat(awaitCompletion(executionName).getSucceededCount()).isEqualTo(1);
  }

  @Test
  void aLaunchWhoseAnswerIsLostStillRunsItsExecutionWhichCanBeListedAndCancelled() throws Exception {
    Job job = createJob(template("sleep 60", 1, 0));
    int lostBefore = emulator.lostLaunchAnswers();
    emulator.loseNextLaunchAnswers(1);

    assertThatThrownBy(() -> jobs.runJobAsync(job.getName()).getMetadata().get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(DeadlineExceededException.class);
    assertThat(emulator.lostLaunchAnswers()).isEqualTo(lostBefore + 1);
    List<Execution> running = new ArrayList<>();
    executions.listExecutions(job.getName()).iterateAll().forEach(running::add);
    assertThat(running).singleElement().satisfies(e -> assertThat(e.hasCompletionTime()).isFalse());

    executions.cancelExecutionAsync(running.get(0).getName()).get(2, TimeUnit.MINUTES);
    assertThat(awaitCompletion(running.get(0).getName()).getCancelledCount()).isEqualTo(1);
  }

  @Test
  void clearedLaunchFaultsAreNotUsedByTheNextLaunch() throws Exception {
    Job job = createJob(template("exit 0", 1, 0));
    int refusedBefore = emulator.refusedLaunches();
    int failedBefore = emulator.failedLaunches();
    emulator.refuseNextLaunches(1);
    emulator.failNextLaunches(1);
    emulator.clearLaunchFaults();

    String executionName = run(RunJobRequest.newBuilder().setName(job.getName()).build());
    assertThat(awaitCompletion(executionName).getSucceededCount()).isEqualTo(1);
    assertThat(emulator.refusedLaunches()).isEqualTo(refusedBefore);
    assertThat(emulator.failedLaunches()).isEqualTo(failedBefore);
  }

  @Test
  void killedTaskCountsAsAFailedAttemptAndIsRetried() throws Exception {
    Job job = createJob(template(
        "if [ \"$CLOUD_RUN_TASK_INDEX$CLOUD_RUN_TASK_ATTEMPT\" = 10 ]; then sleep 60; fi", 2, 2));
    String executionName = run(RunJobRequest.newBuilder().setName(job.getName()).build());
    await().atMost(Duration.ofSeconds(10)).until(() -> emulator.attempts(executionName).stream()
        .anyMatch(a -> a.taskIndex() == 1 && a.exitCode() == null));

    emulator.killTask(executionName, 1);
    Execution done = awaitCompletion(executionName);

    assertThat(done.getSucceededCount()).isEqualTo(2);
    assertThat(done.getFailedCount()).isZero();
    assertThat(done.getRetriedCount()).isEqualTo(1);
    assertThat(emulator.attempts(executionName).stream().filter(a -> a.taskIndex() == 1))
        .extracting(TaskAttempt::attempt, TaskAttempt::exitCode)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 137), org.assertj.core.groups.Tuple.tuple(1, 0));
    assertThat(tasks.getTask(executionName + "/tasks/" + executionName.substring(executionName.lastIndexOf('/') + 1)
        + "-task1").getRetried()).isEqualTo(1);
  }

  @Test
  void runsARegisteredImagesEntrypointAndFailsClearlyForAnUnknownImage() throws Exception {
    emulator.registerImage("europe-docker.pkg.dev/p/r/runner:1", List.of("bash", "-c"));
    Job registered = createJob(template("", 1, 0).setTemplate(TaskTemplate.newBuilder().setMaxRetries(0)
        .addContainers(Container.newBuilder().setImage("europe-docker.pkg.dev/p/r/runner:1").addArgs("exit 0"))));
    Job unknown = createJob(template("", 1, 0).setTemplate(TaskTemplate.newBuilder().setMaxRetries(0)
        .addContainers(Container.newBuilder().setImage("europe-docker.pkg.dev/p/r/unknown:1").addArgs("exit 0"))));

    Execution ran = awaitCompletion(run(RunJobRequest.newBuilder().setName(registered.getName()).build()));
    Execution failed = awaitCompletion(run(RunJobRequest.newBuilder().setName(unknown.getName()).build()));

    assertThat(ran.getSucceededCount()).isEqualTo(1);
    assertThat(failed.getFailedCount()).isEqualTo(1);
    assertThat(condition(failed, "Completed").getMessage()).contains("unknown:1", "registerImage");
    assertThat(condition(failed, "Completed").getState()).isEqualTo(Condition.State.CONDITION_FAILED);
  }

  @Test
  void rejectsRequestsCloudRunWouldReject() throws Exception {
    assertThatThrownBy(() -> jobs.createJobAsync(parent(), Job.newBuilder().setTemplate(template("exit 0", 1, 0)).build(),
        "Not_Valid").get()).hasCauseInstanceOf(com.google.api.gax.rpc.InvalidArgumentException.class);
    Job job = createJob(template("exit 0", 1, 0));
    assertThatThrownBy(() -> jobs.createJobAsync(parent(), Job.newBuilder().setTemplate(template("exit 0", 1, 0)).build(),
        job.getName().substring(job.getName().lastIndexOf('/') + 1)).get())
        .hasCauseInstanceOf(com.google.api.gax.rpc.AlreadyExistsException.class);
    assertThatThrownBy(() -> jobs.runJobAsync(parent() + "/jobs/missing").get())
        .hasCauseInstanceOf(com.google.api.gax.rpc.NotFoundException.class);
  }

  @Test
  void closeStopsRunningTasks(@TempDir Path otherWorkDir) throws Exception {
    CloudRunJobsEmulator second = CloudRunJobsEmulator.start(0, otherWorkDir);
    second.setTerminationGrace(Duration.ofMillis(200));
    ManagedChannel secondChannel = ManagedChannelBuilder.forTarget(second.hostPort()).usePlaintext().build();
    try (JobsClient client = JobsClient.create(JobsSettings.newBuilder()
        .setEndpoint(second.hostPort())
        .setTransportChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(secondChannel)))
        .setCredentialsProvider(NoCredentialsProvider.create()).build())) {
      Job job = client.createJobAsync(parent(), Job.newBuilder().setTemplate(template("sleep 60", 2, 0)).build(), "closing")
          .get();
      String executionName = client.runJobAsync(job.getName()).getMetadata().get().getName();
      await().atMost(Duration.ofSeconds(10)).until(() -> second.attempts(executionName).size() == 2);
      List<Long> pids = second.attempts(executionName).stream().map(TaskAttempt::pid).toList();

      second.close();

      assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(
          java.util.Optional.of(true)));
    } finally {
      secondChannel.shutdownNow();
      second.close();
    }
    try (Stream<Path> logs = Files.walk(otherWorkDir)) {
      assertThat(logs.filter(p -> p.toString().endsWith(".log"))).hasSize(2);
    }
  }
}
