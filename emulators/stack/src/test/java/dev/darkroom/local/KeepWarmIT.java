package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.gcp.CloudRunJobLauncher;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.FirestoreGpuPool;
import dev.darkroom.gcp.FirestoreJobStore;
import dev.darkroom.gcp.GoogleClients;
import dev.darkroom.gcp.GoogleCloudConfig;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25's keep-warm policy on the local stack: a window pinned by the operator
 * ({@code WARM_SCHEDULE}) keeps a task warm through it, and the policy's budget (here 0 idle
 * GPU-seconds a day) sends it away when the window ends. The window opens at the class's start
 * and ends at the first whole minute (the schedule's granularity) that leaves room for the stack
 * to start, the reconciler's top-up to launch the task, the task to be seen staying, and a prompt
 * to run on it; the task must then stay to the window's end, however much of the minute is left.
 * So the class takes {@link #BEFORE_WINDOW_END} plus up to a minute, plus the task's leaving
 * (seconds) and the {@link #NOTHING_LAUNCHED} in which nothing must replace it: 2 to 3 minutes.
 */
class KeepWarmIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The stack's start (22 s alone on a 2-core machine, more beside another stack test), the
   * top-up's launch, the task seen staying for {@link #SEVERAL_GRACES}, and a prompt: the least the
   * window must leave after the class starts.
   */
  private static final Duration BEFORE_WINDOW_END = Duration.ofSeconds(90);
  /** The policy's grace, short so that a task the window did not pin would be gone within seconds. */
  private static final Duration GRACE = Duration.ofSeconds(2);
  /** Five graces and two of the task's decisions (KeepWarm.DECIDE_EVERY): a task left unpinned would have gone. */
  private static final Duration SEVERAL_GRACES = Duration.ofSeconds(10);
  /** A reconcile tick (5 s here), a runner process's start (a JVM) and its engine check, on a busy machine. */
  private static final Duration TOP_UP = Duration.ofSeconds(45);
  /** The task's next decision (every 5 s), its exit and the emulator seeing the process end. */
  private static final Duration LEAVING = Duration.ofSeconds(30);
  /** Two reconcile ticks after the task left, in which the top-up must launch nothing. */
  private static final Duration NOTHING_LAUNCHED = Duration.ofSeconds(10);
  private static final DateTimeFormatter HOURS = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

  @TempDir static Path dataDir;
  private static Instant windowEnd;
  private static LocalStack stack;
  private static GoogleClients clients;
  private static FirestoreJobStore jobs;
  private static GpuPool pool;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStackWithAPinnedWindow() {
    Instant classStart = Instant.now();
    Instant windowStart = classStart.truncatedTo(ChronoUnit.MINUTES);
    windowEnd = classStart.plus(BEFORE_WINDOW_END).plusSeconds(59).truncatedTo(ChronoUnit.MINUTES);
    // Every day, so that a window over midnight is pinned on either side of it.
    String schedule = "1 warm " + HOURS.format(windowStart) + "-" + HOURS.format(windowEnd) + " daily UTC";
    stack = LocalStack.start(new LocalStack.Options("darkroom-keep-warm", 0, dataDir, Duration.ofMillis(1), null,
        null, Map.of("WARM_IDLE_BUDGET_SECONDS", "0", "WARM_SCHEDULE", schedule,
            "WARM_GRACE_SECONDS", Long.toString(GRACE.toSeconds()))));
    clients = new GoogleClients(GoogleCloudConfig.from(new Env(stack.functionEnvironment())));
    jobs = new FirestoreJobStore(clients.firestore());
    pool = new FirestoreGpuPool(clients.firestore(), "gpuSlots", LocalStack.GPU_TASK_CAP);
  }

  @AfterAll
  static void stopStack() {
    Resources.closeAll(clients, stack);
  }

  @Test
  void aPinnedTaskIsLaunchedWithNoPromptTakesThePromptsAndLeavesWhenTheWindowEnds() throws Exception {
    // Pinned: the reconciler's top-up launches one task with no job, and it waits warm.
    Execution warm = await("the top-up's launch of one task with no job, waiting warm").atMost(TOP_UP)
        .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(KeepWarmIT::executions, launched -> launched.size() == 1 && waitingWarm(launched.get(0))).get(0);
    assertThat(jobIds(warm)).as("the top-up's launch carries no job").isEmpty();

    // Through several graces the pinned task stays: the budget of 0 alone would have sent it away.
    await("the pinned task still up, idle, and alone").during(SEVERAL_GRACES)
        .atMost(SEVERAL_GRACES.plusSeconds(10)).pollInterval(Duration.ofSeconds(1))
        .until(KeepWarmIT::executions, launched -> launched.size() == 1 && waitingWarm(launched.get(0)));
    assertThat(Instant.now()).as("the window must still be open for the prompt; raise BEFORE_WINDOW_END")
        .isBefore(windowEnd.minusSeconds(5));

    // A prompt runs on the warm task: no second execution is launched for it.
    String id = submitSmallPrompt();
    Job ended = await("the prompt's job to end").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> jobs.get(id).orElseThrow(), job -> job.status().isTerminal());
    assertThat(ended.status()).as(ended.toString()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(ended.isRunBy(shortName(warm))).as("the warm task ran it: %s", ended).isTrue();
    assertThat(stack.engine().executionsByPromptId().get(id)).as("the prompt ran once").isEqualTo(1);
    assertThat(executions()).as("no launch for the prompt").extracting(Execution::getName)
        .containsExactly(warm.getName());

    // The task stays to the window's end; then, with no idle budget, nothing is wanted: it leaves
    // and is not replaced.
    Execution left = await("the task to leave after the window's end at " + windowEnd)
        .atMost(Duration.between(Instant.now(), windowEnd).plus(LEAVING)).pollInterval(Duration.ofMillis(500))
        .until(() -> only(executions()), Execution::hasCompletionTime);
    Instant leftAt = Instant.ofEpochSecond(left.getCompletionTime().getSeconds(), left.getCompletionTime().getNanos());
    assertThat(leftAt).as("the task stayed to the window's end and left within %s of it", LEAVING)
        .isBetween(windowEnd, windowEnd.plus(LEAVING));
    assertThat(left.getSucceededCount()).as("the task exited on its own, not killed: %s", left).isEqualTo(1);
    await("no new launch after the window").during(NOTHING_LAUNCHED)
        .atMost(NOTHING_LAUNCHED.plusSeconds(10)).pollInterval(Duration.ofSeconds(1))
        .until(() -> executions().size() == 1);
    // The task left its slot as it exited (GpuPool.leave): the reconciler ticks listed its execution
    // running for a moment, and did not count it again.
    assertThat(pool.usage(Instant.now()).held()).as("slots held once the task is gone").isZero();
  }

  /** Its task running, and the one task the GPU pool holds, idle: a task waiting for work. */
  private static boolean waitingWarm(Execution execution) {
    GpuPool.Usage usage = pool.usage(Instant.now());
    return !execution.hasCompletionTime() && execution.getRunningCount() == 1 && usage.held() == 1
        && usage.idle() == 1;
  }

  /** The GPU job's executions, through Cloud Run's Executions API as the reconciler reads them. */
  private static List<Execution> executions() {
    List<Execution> all = new ArrayList<>();
    clients.cloudRunExecutions().listExecutions(LocalStack.gpuJobName(stack.cloud().projectId()))
        .iterateAll().forEach(all::add);
    return all;
  }

  private static Execution only(List<Execution> executions) {
    assertThat(executions).as("executions of the GPU job").hasSize(1);
    return executions.get(0);
  }

  /** The jobs the launch named ({@code DARKROOM_JOB_IDS}); none for the top-up's. */
  private static List<String> jobIds(Execution execution) {
    return execution.getTemplate().getContainersList().stream().flatMap(container -> container.getEnvList().stream())
        .filter(variable -> variable.getName().equals(CloudRunJobLauncher.JOB_IDS_VARIABLE))
        .map(EnvVar::getValue).filter(value -> !value.isBlank()).toList();
  }

  /** The name the runner records on the jobs it claims ({@code CLOUD_RUN_EXECUTION}). */
  private static String shortName(Execution execution) {
    return execution.getName().substring(execution.getName().lastIndexOf('/') + 1);
  }

  /** The smallest txt2img the other stack tests run: 64x64, two steps. */
  private String submitSmallPrompt() throws Exception {
    ObjectNode workflow;
    try (InputStream in = KeepWarmIT.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = (ObjectNode) JSON.readTree(in);
    }
    ((ObjectNode) workflow.at("/5/inputs")).put("width", 64).put("height", 64);
    ((ObjectNode) workflow.at("/3/inputs")).put("steps", 2);
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/prompt"))
        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().set("prompt", workflow).toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return JSON.readTree(answer.body()).get("prompt_id").asText();
  }
}
