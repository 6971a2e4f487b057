package dev.darkroom.emulators.run;

import dev.darkroom.emulators.LocalService;
import dev.darkroom.emulators.LoopbackPorts;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloud Run Jobs (Admin API v2) on 127.0.0.1, for the official {@code JobsClient},
 * {@code ExecutionsClient} and {@code TasksClient}. Each task runs as a child process of this JVM
 * with the job's command, args and env plus Cloud Run's {@code CLOUD_RUN_*} variables; there are no
 * containers, so an image is only a key into {@link #registerImage}. State lives in memory.
 *
 * <p>A client reaches it with a plaintext channel and no credentials:
 *
 * <pre>{@code
 * ManagedChannel channel = ManagedChannelBuilder.forTarget(hostPort).usePlaintext().build();
 * JobsClient jobs = JobsClient.create(JobsSettings.newBuilder()
 *     .setEndpoint(hostPort)
 *     .setTransportChannelProvider(
 *         FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
 *     .setCredentialsProvider(NoCredentialsProvider.create())
 *     .build());
 * }</pre>
 *
 * <p>RunJob's operation completes when the execution does, as in Cloud Run; gax polls it no
 * sooner than 5 s, so read the execution with {@code runJobAsync(..).getMetadata()} and follow it
 * with {@code ExecutionsClient.getExecution}.
 */
public final class CloudRunJobsEmulator implements LocalService {
  /** Our own variable (Cloud Run has no official emulator); Darkroom's adapters read it. */
  public static final String HOST_VARIABLE = "CLOUD_RUN_EMULATOR_HOST";

  private static final Logger log = LoggerFactory.getLogger(CloudRunJobsEmulator.class);

  private final Server server;
  private final Path workDir;
  private final ExecutionScheduler scheduler;
  private final LaunchFaults faults;
  private boolean closed;

  private CloudRunJobsEmulator(Server server, Path workDir, ExecutionScheduler scheduler, LaunchFaults faults) {
    this.server = server;
    this.workDir = workDir;
    this.scheduler = scheduler;
    this.faults = faults;
  }

  /** Starts on {@code port} (0 = a free port); task logs go under {@code workDir}. */
  public static CloudRunJobsEmulator start(int port, Path workDir) {
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create work dir " + workDir, e);
    }
    RunStore store = new RunStore(workDir);
    ExecutionScheduler scheduler = new ExecutionScheduler(store);
    LaunchFaults faults = new LaunchFaults();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(LoopbackPorts.HOST, port))
        .addService(new JobsService(store, scheduler, faults))
        .addService(new ExecutionsService(store, scheduler))
        .addService(new TasksService(store))
        .addService(new OperationsService(store))
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
    try {
      server.start();
    } catch (IOException e) {
      scheduler.close();
      throw new UncheckedIOException("cannot listen on " + LoopbackPorts.HOST + ":" + port, e);
    }
    CloudRunJobsEmulator emulator = new CloudRunJobsEmulator(server, workDir, scheduler, faults);
    log.info("cloud-run-jobs emulator listening on {} (work dir {})", emulator.hostPort(), workDir);
    return emulator;
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public String name() {
    return "cloud-run-jobs";
  }

  @Override
  public String hostPort() {
    return LoopbackPorts.HOST + ":" + port();
  }

  @Override
  public Map<String, String> environment() {
    return Map.of(HOST_VARIABLE, hostPort());
  }

  /** Where task logs are written: {@code executions/{execution}/task{index}-attempt{attempt}.log}. */
  public Path workDir() {
    return workDir;
  }

  /** The log file of one task attempt (it exists once the attempt started). */
  public Path taskLog(String executionName, int taskIndex, int attempt) {
    return workDir.resolve("executions").resolve(ResourceNames.lastSegment(executionName))
        .resolve("task" + taskIndex + "-attempt" + attempt + ".log");
  }

  /**
   * Stands in for an image's ENTRYPOINT: a container of {@code image} without a command runs
   * {@code entrypoint} followed by its args. The image string must match exactly.
   */
  public void registerImage(String image, List<String> entrypoint) {
    scheduler.registerImage(image, entrypoint);
  }

  /** Time between SIGTERM and SIGKILL on timeout and cancel; Cloud Run gives about 10 s (the default). */
  public void setTerminationGrace(Duration grace) {
    scheduler.setTerminationGrace(grace);
  }

  /** The next {@code n} RunJob calls answer UNAVAILABLE and start nothing. */
  public void failNextLaunches(int n) {
    faults.failNext(n, Status.Code.UNAVAILABLE);
  }

  /** The next {@code n} RunJob calls answer {@code code} and start nothing. */
  public void failNextLaunches(int n, Status.Code code) {
    faults.failNext(n, code);
  }

  /** The next {@code n} RunJob calls answer RESOURCE_EXHAUSTED, as when the GPU quota is used up. */
  public void refuseNextLaunches(int n) {
    faults.refuseNext(n);
  }

  /**
   * The next {@code n} RunJob calls create and start their execution, then answer DEADLINE_EXCEEDED
   * instead of its operation: a launch whose answer was lost, whose execution runs on unknown to
   * the caller.
   */
  public void loseNextLaunchAnswers(int n) {
    faults.loseNextAnswers(n);
  }

  /** How many RunJob answers were lost by {@link #loseNextLaunchAnswers}. */
  public int lostLaunchAnswers() {
    return faults.lostAnswers();
  }

  /** Drops the injected launch faults that no RunJob call has used yet. */
  public void clearLaunchFaults() {
    faults.clear();
  }

  /** How many RunJob calls so far answered an injected refusal (RESOURCE_EXHAUSTED). */
  public int refusedLaunches() {
    return faults.refused();
  }

  /** How many RunJob calls so far answered an injected failure (other than a refusal). */
  public int failedLaunches() {
    return faults.failed();
  }

  /**
   * SIGKILLs the running process of a task, like a crashed instance; the attempt counts as failed
   * and is retried within {@code max_retries}.
   *
   * @throws IllegalStateException if that task has no running process now
   */
  public void killTask(String executionName, int taskIndex) {
    scheduler.kill(executionName, taskIndex);
  }

  /** Every process started for the execution's tasks so far, in start order. */
  public List<TaskAttempt> attempts(String executionName) {
    return scheduler.attempts(executionName);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.close();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("cloud-run-jobs emulator stopped");
  }
}
