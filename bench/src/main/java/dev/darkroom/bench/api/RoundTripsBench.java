package dev.darkroom.bench.api;

import dev.darkroom.emulators.firebase.FirebaseAuthEmulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobsClient;
import dev.darkroom.bench.BenchReport;
import dev.darkroom.bench.Benchmark;
import dev.darkroom.emulators.eventarc.TriggerSpec;
import dev.darkroom.functions.api.ApiFunction;
import dev.darkroom.functions.dispatch.DispatchFunction;
import dev.darkroom.functions.jobevents.JobEventsFunction;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The round-trip table: Firestore calls (and the documents they read and wrote), Pub/Sub messages
 * and SQL statements (and round trips) per API call (submit, history, job GET, queue) and per
 * running job per minute (the runner's watch and heartbeats, its events and job-events applying
 * them), and dispatch's per job. Counted on the wire: each measured process (an api, dispatch, the
 * runner, job-events) reaches the emulators and PostgreSQL through relays of its own ({@link CountedProcess}), so the table says
 * what the code does now, with no hook in it. Not a timing: the figures are counts.
 */
public final class RoundTripsBench implements Benchmark {
  /** The counted apis' submissions go to the counted dispatch only, not to the stack's own. */
  static final String COUNTED_SUBMISSIONS = "bench-counted-job-submitted";
  /** The runner's events go to the counted job-events only, not to the stack's own. */
  static final String RUNNER_EVENTS = "bench-job-events";
  private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled", "timed_out");
  private static final List<String> COLUMNS = List.of(RpcTally.FIRESTORE_CALLS, RpcTally.DOCS_READ,
      RpcTally.DOCS_WRITTEN, RpcTally.MESSAGES_PUBLISHED, RpcTally.SQL_STATEMENTS, RpcTally.SQL_ROUND_TRIPS);
  private static final List<String> HEADINGS = List.of("fs calls", "docs rd", "docs wr", "pub msgs", "sql stmt",
      "sql trips");

  @Override
  public String name() {
    return "roundtrips";
  }

  @Override
  public void run(boolean quick, BenchReport report) throws Exception {
    int repeats = quick ? 3 : 10;
    // On the simulated engine at BenchStack.STEP_TIME a step: 10 s running (quick), else a minute.
    int runningSteps = quick ? 40 : 240;
    BenchStack bench = BenchStack.shared();

    CountedProcess api = new CountedProcess(bench);
    CountedProcess keyedApi = new CountedProcess(bench);
    CountedProcess dispatch = new CountedProcess(bench);
    CountedProcess runner = new CountedProcess(bench);
    CountedProcess jobEvents = new CountedProcess(bench);
    Map<String, String> submissions = Map.of("JOB_SUBMITTED_TOPIC", COUNTED_SUBMISSIONS);
    HostedFunction apiHost = bench.host("api-counted", ApiFunction.class, api.env(submissions));
    Map<String, String> keyedEnv = new LinkedHashMap<>(authAndLimitsOn());
    keyedEnv.putAll(submissions);
    keyedEnv.put(FirebaseAuthEmulator.HOST_VARIABLE, bench.firebase().hostPort());
    HostedFunction keyedHost = bench.host("api-counted-auth-on", ApiFunction.class, keyedApi.env(keyedEnv));
    HostedFunction dispatchHost = bench.host("dispatch-counted", DispatchFunction.class, dispatch.env(Map.of()));
    HostedFunction eventsHost = bench.host("job-events-counted", JobEventsFunction.class, jobEvents.env(Map.of()));
    trigger(bench, COUNTED_SUBMISSIONS, dispatchHost);
    trigger(bench, RUNNER_EVENTS, eventsHost);
    Map<String, String> runnerEnv = new LinkedHashMap<>(runner.env(Map.of()));
    runnerEnv.put("JOB_EVENTS_TOPIC", RUNNER_EVENTS);
    Map<String, String> runnerSettings = pointGpuJobAt(bench, runnerEnv);
    String heartbeat = runnerSettings.getOrDefault("HEARTBEAT_SECONDS", "the runner's default");

    ApiCalls calls = new ApiCalls(apiHost.url(), null, 1);
    String key = bench.newKey(keyedHost, "roundtrips");
    ApiCalls keyed = new ApiCalls(keyedHost.url(), key, 1);
    // The stack's own api (not counted) watches the jobs' status.
    ApiCalls watcher = new ApiCalls(bench.stack().apiUrl(), null, 0);
    calls.get("/queue");
    keyed.get("/queue");

    ObjectNode table = ApiCalls.JSON.createObjectNode();
    System.out.printf("counts per call (mean of %d after one unmeasured), or per running job per minute%n", repeats);
    printHeading();

    // One short job end to end first, unmeasured: each counted function builds its clients (and
    // checks the schema) on its first event, which no later job pays. Its task must be gone before
    // the measured job, or it could take that job while draining and dispatch would not launch one.
    String warmUp = calls.submit();
    awaitStatus(watcher, warmUp, TERMINAL::contains, Duration.ofMinutes(3));
    awaitNoRunningTask(bench, Duration.ofMinutes(2));

    // One job alone on the GPU side, so the runner's and job-events' counts are its own.
    Map<String, Long> dispatchBefore = dispatch.tally.snapshot();
    Map<String, Long> runnerBefore = runner.tally.snapshot();
    Map<String, Long> eventsBefore = jobEvents.tally.snapshot();
    String runningJob = new ApiCalls(apiHost.url(), null, runningSteps).submit();
    awaitStatus(watcher, runningJob, "running"::equals, Duration.ofMinutes(3));
    long runningSince = System.nanoTime();
    Map<String, Long> runnerRunning = runner.tally.snapshot();
    Map<String, Long> eventsRunning = jobEvents.tally.snapshot();
    String outcome = awaitStatus(watcher, runningJob, TERMINAL::contains, Duration.ofMinutes(5));
    double minutes = (System.nanoTime() - runningSince) / 60e9;
    Map<String, Long> runnerEnd = runner.tally.snapshot();
    Map<String, Long> eventsEnd = jobEvents.tally.snapshot();
    row(table, "running job, per minute: runner", RpcTally.delta(runnerRunning, runnerEnd), 1 / minutes, null);
    row(table, "running job, per minute: job-events", RpcTally.delta(eventsRunning, eventsEnd), 1 / minutes, null);
    row(table, "whole job (" + runningSteps + " steps): dispatch", RpcTally.delta(dispatchBefore, dispatch.tally.snapshot()),
        1, null);
    row(table, "whole job (" + runningSteps + " steps): runner", RpcTally.delta(runnerBefore, runnerEnd), 1, null);
    row(table, "whole job (" + runningSteps + " steps): job-events", RpcTally.delta(eventsBefore, eventsEnd), 1, null);

    measure(table, "POST /prompt (auth off)", api, repeats, () -> {
      calls.submit();
      return null;
    });
    measure(table, "POST /prompt (API key, limits on)", keyedApi, repeats, () -> {
      keyed.submit();
      return null;
    });
    // The listings read the jobs just submitted; let them finish so that history has them.
    awaitQuietQueue(watcher, Duration.ofSeconds(quick ? 20 : 120));
    measure(table, "GET /history?max_items=2", api, repeats, () -> calls.get("/history?max_items=2").size());
    measure(table, "GET /history", api, repeats, () -> calls.get("/history").size());
    measure(table, "GET /history/{id}", api, repeats, () -> calls.get("/history/" + runningJob).size());
    measure(table, "GET /api/v2/jobs/{id}", api, repeats, () -> {
      calls.get("/api/v2/jobs/" + runningJob);
      return 1;
    });
    measure(table, "GET /queue", api, repeats, () -> queueLength(calls.get("/queue")));
    measure(table, "GET /prompt", api, repeats, () -> {
      calls.get("/prompt");
      return null;
    });

    long jobs = bench.clients().firestore().collection("jobs").count().get().get(30, TimeUnit.SECONDS).getCount();
    ObjectNode settings = table.putObject("settings");
    settings.put("jobs_in_store", jobs);
    settings.put("running_job_outcome", outcome);
    settings.put("running_job_minutes", Math.round(minutes * 1000) / 1000.0);
    settings.put("step_ms", BenchStack.STEP_TIME.toMillis());
    settings.put("runner_heartbeat_seconds", heartbeat);
    System.out.printf("%d jobs in the store; the running job (%s) ran %.2f min at %d ms a step, runner heartbeat %s s"
        + " (the local stack's setting)%n", jobs, outcome, minutes, BenchStack.STEP_TIME.toMillis(), heartbeat);
    report.putObject("round_trips", table);
  }

  /** A topic whose messages the local Eventarc bridge delivers to {@code function}, as the stack's triggers do. */
  private static void trigger(BenchStack bench, String topic, HostedFunction function) {
    bench.createTopic(topic);
    bench.stack().cloud().eventarc().addTrigger(TriggerSpec.of(topic, topic, URI.create(function.url() + "/")));
  }

  /** Authentication on (calls with an API key) and every limit set, high enough never to refuse. */
  private static Map<String, String> authAndLimitsOn() {
    String tier = dev.darkroom.core.job.Job.DEFAULT_TIER;
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DARKROOM_AUTH", "on");
    env.put("DARKROOM_LOCAL_STACK", "true");
    env.put("REQUESTS_PER_MINUTE", tier + "=100000");
    env.put("MAX_WAITING_JOBS", tier + "=100000");
    env.put("MONTHLY_GPU_SECONDS", tier + "=1000000000");
    env.put("API_KEY_REQUESTS_PER_MINUTE", "100000");
    return env;
  }

  /**
   * The GPU job's template, as the stack declared it, with the runner's emulator hosts (and events
   * topic) replaced: the executions dispatch launches from now on run through the relays. The
   * runner's environment as it now is.
   */
  private static Map<String, String> pointGpuJobAt(BenchStack bench, Map<String, String> overrides) throws Exception {
    JobsClient jobs = bench.clients().cloudRunJobs();
    Job job = jobs.getJob(bench.stack().functionEnvironment().get("GPU_JOB_NAME"));
    Job.Builder updated = job.toBuilder();
    Container.Builder container = updated.getTemplateBuilder().getTemplateBuilder().getContainersBuilder(0);
    Map<String, String> env = new LinkedHashMap<>();
    container.getEnvList().forEach(variable -> env.put(variable.getName(), variable.getValue()));
    // Only what the runner already has: a variable it never had (DATABASE_URL) must not appear.
    overrides.forEach((name, value) -> env.computeIfPresent(name, (n, old) -> value));
    container.clearEnv();
    env.forEach((name, value) -> container.addEnv(EnvVar.newBuilder().setName(name).setValue(value)));
    jobs.updateJobAsync(updated.build()).get(60, TimeUnit.SECONDS);
    return env;
  }

  interface Call {
    /** Makes the call; the number of items it returned, or null where that means nothing. */
    Integer call() throws Exception;
  }

  private static void measure(ObjectNode table, String label, CountedProcess process, int repeats, Call call)
      throws Exception {
    call.call();
    Map<String, Long> before = process.tally.snapshot();
    Integer items = null;
    for (int i = 0; i < repeats; i++) {
      items = call.call();
    }
    row(table, label, RpcTally.delta(before, process.tally.snapshot()), 1.0 / repeats, items);
  }

  private static void row(ObjectNode table, String label, Map<String, Long> counts, double scale, Integer items) {
    ObjectNode row = table.putObject(label);
    StringBuilder line = new StringBuilder(String.format("%-42s", label));
    for (String column : COLUMNS) {
      double value = counts.getOrDefault(column, 0L) * scale;
      row.put(column.replace('.', '_'), Math.round(value * 100) / 100.0);
      line.append(String.format(" %9.1f", value));
    }
    line.append(items == null ? String.format(" %6s", "") : String.format(" %6d", items));
    if (items != null) {
      row.put("items_returned", items);
    }
    ObjectNode byCall = row.putObject("by_call");
    StringBuilder calls = new StringBuilder();
    counts.forEach((name, count) -> {
      if (!COLUMNS.contains(name)) {
        byCall.put(name, Math.round(count * scale * 100) / 100.0);
        calls.append(String.format(" %s=%.1f", name, count * scale));
      }
    });
    System.out.println(line);
    if (calls.length() > 0) {
      System.out.println("    " + calls.toString().strip());
    }
  }

  private static void printHeading() {
    StringBuilder heading = new StringBuilder(String.format("%-42s", ""));
    HEADINGS.forEach(h -> heading.append(String.format(" %9s", h)));
    heading.append(String.format(" %6s", "items"));
    System.out.println(heading);
  }

  private static String awaitStatus(ApiCalls watcher, String jobId, Predicate<String> wanted, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String status = "";
    while (System.nanoTime() < deadline) {
      status = watcher.get("/api/v2/jobs/" + jobId).path("status").asText();
      if (wanted.test(status)) {
        return status;
      }
      if (TERMINAL.contains(status)) {
        throw new IllegalStateException("job " + jobId + " ended " + status + " before the state the bench waits for");
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("job " + jobId + " still " + status + " after " + timeout);
  }

  /** Until no execution of the GPU job has a task running (the Cloud Run emulator's own account). */
  private static void awaitNoRunningTask(BenchStack bench, Duration timeout) throws InterruptedException {
    String gpuJob = bench.stack().functionEnvironment().get("GPU_JOB_NAME");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean running = false;
      for (Execution execution : bench.clients().cloudRunExecutions().listExecutions(gpuJob).iterateAll()) {
        running |= execution.getRunningCount() > 0;
      }
      if (!running) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("a task of " + gpuJob + " still runs after " + timeout);
      }
      Thread.sleep(250);
    }
  }

  /** Until nothing is queued or running (or the timeout: the listings are then measured as they are). */
  private static void awaitQuietQueue(ApiCalls watcher, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && queueLength(watcher.get("/queue")) > 0) {
      Thread.sleep(250);
    }
  }

  private static int queueLength(JsonNode queue) {
    return queue.path("queue_running").size() + queue.path("queue_pending").size();
  }
}
