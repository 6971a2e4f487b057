package dev.darkroom.local;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.CreateJobRequest;
import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.ExecutionTemplate;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.TaskTemplate;
import com.google.cloud.storage.BucketInfo;
import com.google.pubsub.v1.TopicName;
import dev.darkroom.comfyui.sim.SimulatedComfyUI;
import dev.darkroom.emulators.FaultyTcpProxy;
import dev.darkroom.emulators.LocalCloud;
import dev.darkroom.emulators.LoopbackPorts;
import dev.darkroom.emulators.ManagedProcess;
import dev.darkroom.emulators.eventarc.Trigger;
import dev.darkroom.emulators.eventarc.TriggerSpec;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import dev.darkroom.functions.api.ApiFunction;
import dev.darkroom.functions.deadletters.DeadLettersFunction;
import dev.darkroom.functions.dispatch.DispatchFunction;
import dev.darkroom.functions.reconcile.ReconcileFunction;
import dev.darkroom.functions.jobevents.JobEventsFunction;
import dev.darkroom.functions.notify.NotifyFunction;
import dev.darkroom.functions.models.ModelsFunction;
import dev.darkroom.functions.runs.RunsFunction;
import dev.darkroom.functions.thumbnails.ThumbnailsFunction;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.FirestoreJobStore;
import dev.darkroom.gcp.GcsNodeCatalogStore;
import dev.darkroom.gcp.GoogleClients;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.SqlLedger;
import dev.darkroom.realtime.RealtimeGatewayMain;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on this machine: the local cloud, embedded PostgreSQL, the simulated ComfyUI
 * engine, every function and the realtime gateway as its own process, the GPU job whose tasks run
 * the runner, and the {@link Edge} on the public port that routes to the api and the gateway as the
 * cloud's load balancer does. Each
 * deployable is configured by environment variables only, with the names Terraform sets in the
 * cloud; only the emulator hosts differ.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  static final String REGION = "us-central1";
  static final String GPU_JOB = "darkroom-gpu";
  static final String GPU_IMAGE = "darkroom-gpu-job";
  /** Terraform's model import job (model_import.tf) and its image. */
  static final String MODEL_IMPORT_JOB = "darkroom-model-import";
  static final String MODEL_IMPORT_IMAGE = "darkroom-model-import";
  static final String OUTPUTS_BUCKET = "darkroom-outputs";
  static final String JOB_SUBMITTED = "job-submitted";
  static final String JOB_EVENTS = "job-events";
  static final String NOTIFICATIONS = "notifications";
  static final String RECONCILE_TICKS = "reconcile-ticks";
  /** Cloud Scheduler ticks the reconciler every minute; locally every few seconds, so faults heal fast. */
  static final Duration RECONCILE_EVERY = Duration.ofSeconds(5);
  static final String JOB_EVENTS_PUBLIC = "job-events-public";
  /** The outputs bucket's OBJECT_FINALIZE notifications: what an Eventarc Cloud Storage trigger is built on. */
  static final String OUTPUTS_FINALIZED = "outputs-finalized";
  /** The model files (Terraform's models bucket); ComfyUI's model folders at its root. */
  static final String MODELS_BUCKET = "darkroom-models";
  /** The models bucket's OBJECT_FINALIZE notifications, for the models function's trigger. */
  static final String MODELS_FINALIZED = "models-finalized";
  /** The local user's inbound topic: a message published here runs a deployment as {@code local} (functions/runs). */
  public static final String RUNS_LOCAL = "runs-local";
  /** The reply topic the local integration may name ({@code reply_topic}); created empty, subscribe to read it. */
  public static final String RUNS_LOCAL_REPLIES = "runs-local-replies";
  /**
   * Terraform's {@code INBOUND_INTEGRATIONS} for the local stack: one integration, {@code local}, whose
   * topic runs as the local user. Options' {@code functionEnv} may set another map (tests do).
   */
  static final String LOCAL_INTEGRATIONS = "{\"local\":{\"topic\":\"" + RUNS_LOCAL + "\",\"user\":\"local\","
      + "\"reply_topics\":[\"" + RUNS_LOCAL_REPLIES + "\"]}}";
  /**
   * At most this many GPU tasks (runner processes here) at once: a laptop's worth. Past it, jobs
   * queue in Firestore and the running tasks drain them, as in the cloud.
   */
  static final int GPU_TASK_CAP = 3;
  /** Terraform's default: the local user's jobs are {@code standard}, limited only by the pool. */
  static final String TIER_CONCURRENCY = "free=1";

  /**
   * @param apiPort the public port on 127.0.0.1, ComfyUI's API and {@code /ws} (0 = any free port)
   * @param stepTime the simulated engine's time per sampler step
   * @param comfyUiUrl a real ComfyUI to drive instead of the simulated engine, or null
   * @param firebaseAuthEmulator host:port of a Firebase Auth emulator: authentication on, ID tokens
   *     verified against it; null for no authentication (every call the user {@code local})
   * @param functionEnv more environment for the functions (limits, tiers), over the stack's own
   */
  public record Options(String projectId, int apiPort, Path dataDir, Duration stepTime, String comfyUiUrl,
      String firebaseAuthEmulator, Map<String, String> functionEnv, Duration runnerDrainIdle) {
    /**
     * How long a finished task waits for more work in tests: a few seconds, so that the tasks of
     * one test are gone before the next and do not pile up on a small machine.
     */
    public static final Duration TEST_DRAIN_IDLE = Duration.ofSeconds(5);

    public Options {
      functionEnv = Map.copyOf(functionEnv);
    }

    public Options(String projectId, int apiPort, Path dataDir, Duration stepTime, String comfyUiUrl) {
      this(projectId, apiPort, dataDir, stepTime, comfyUiUrl, null, Map.of());
    }

    public Options(String projectId, int apiPort, Path dataDir, Duration stepTime, String comfyUiUrl,
        String firebaseAuthEmulator, Map<String, String> functionEnv) {
      this(projectId, apiPort, dataDir, stepTime, comfyUiUrl, firebaseAuthEmulator, functionEnv, TEST_DRAIN_IDLE);
    }

    /** Authentication on, with ID tokens from the Firebase Auth emulator at {@code hostPort}. */
    public Options withAuth(String hostPort, Map<String, String> env) {
      return new Options(projectId, apiPort, dataDir, stepTime, comfyUiUrl, hostPort, env, runnerDrainIdle);
    }

    /**
     * As {@code ./darkroom up} runs: a finished task waits the cloud's minute for more work
     * ({@code DRAIN_IDLE_SECONDS}' default), so a prompt after a quiet spell finds it warm, as it
     * would in the cloud.
     */
    public Options asUp() {
      return new Options(projectId, apiPort, dataDir, stepTime, comfyUiUrl, firebaseAuthEmulator, functionEnv,
          UP_DRAIN_IDLE);
    }
  }

  /** The runner's default {@code DRAIN_IDLE_SECONDS} in the cloud (gpu-job-image's RunnerConfig). */
  static final Duration UP_DRAIN_IDLE = Duration.ofSeconds(60);

  private final List<AutoCloseable> started = new ArrayList<>();
  private LocalCloud cloud;
  private EmbeddedPostgres postgres;
  private FaultyTcpProxy databaseProxy;
  private SimulatedComfyUI engine;
  /** The clients the simulated engine lists the models bucket with, once they exist. */
  private volatile GoogleClients modelsReader;
  private String comfyUiUrl;
  private Edge edge;
  private Map<String, String> functionEnv;
  private int runsPort;
  private LocalMailSink mail;

  private LocalStack() {}

  public static LocalStack start(Options options) {
    LocalStack stack = new LocalStack();
    try {
      stack.boot(options);
      return stack;
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
  }

  private void boot(Options options) {
    Path dataDir = options.dataDir().toAbsolutePath();
    cloud = track(LocalCloud.start(LocalCloud.Options.allOnFreePorts(options.projectId(), dataDir.resolve("cloud"))));
    postgres = track(startPostgres());
    // Every deployable reaches PostgreSQL through this relay, so tests can take the database away.
    databaseProxy = track(FaultyTcpProxy.start("postgres", 0, postgres.getPort()));
    if (options.comfyUiUrl() == null) {
      engine = track(SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(dataDir.resolve("comfyui"))
          .withStepTime(options.stepTime()).withModelsDirectory(this::modelsBucketFiles)));
      comfyUiUrl = engine.baseUrl();
    } else {
      comfyUiUrl = options.comfyUiUrl();
    }

    functionEnv = new LinkedHashMap<>(cloud.environment());
    functionEnv.put("JOB_SUBMITTED_TOPIC", JOB_SUBMITTED);
    functionEnv.put("JOB_EVENTS_TOPIC", JOB_EVENTS);
    functionEnv.put("NOTIFICATIONS_TOPIC", NOTIFICATIONS);
    functionEnv.put("OUTPUTS_BUCKET", OUTPUTS_BUCKET);
    functionEnv.put("GPU_JOB_NAME", gpuJobName(options.projectId()));
    functionEnv.put("DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + databaseProxy.port() + "/postgres?user=postgres");
    functionEnv.put("DB_USER", "postgres");
    // As Terraform sets it for every deployable (locals.tf, firestore_tracing): read by the Firestore client.
    functionEnv.put("FIRESTORE_ENABLE_TRACING", "off");
    if (options.firebaseAuthEmulator() == null) {
      functionEnv.put("DARKROOM_AUTH", "off");
    } else {
      functionEnv.put("DARKROOM_AUTH", "on");
      // Authentication on against emulators: allowed only where the local stack says so (AuthConfig).
      functionEnv.put("DARKROOM_LOCAL_STACK", "true");
      // Read by the Firebase Admin SDK itself: ID tokens are the emulator's (unsigned), revocation asked of it.
      functionEnv.put("FIREBASE_AUTH_EMULATOR_HOST", options.firebaseAuthEmulator());
    }
    functionEnv.put("API_KEY_PEPPER", localSecret(dataDir, "api-key-pepper"));
    functionEnv.put("WEBHOOK_SECRETS_KEY", localSecret(dataDir, "webhook-secrets-key"));
    functionEnv.put("GPU_TASK_CAP", Integer.toString(GPU_TASK_CAP));
    functionEnv.put("TIER_CONCURRENCY", TIER_CONCURRENCY);
    // The reconciler's limits, scaled down with the runner's heartbeat (runnerEnv) for a laptop.
    functionEnv.put("RECONCILE_REQUEUE_AFTER_SECONDS", "10");
    functionEnv.put("RECONCILE_DISPATCH_TIMEOUT_SECONDS", "120");
    functionEnv.put("RECONCILE_LOST_AFTER_SECONDS", "20");
    // The keep-warm policy (WARM_IDLE_BUDGET_SECONDS, WARM_SCHEDULE, WARM_GRACE_SECONDS) reaches dispatch
    // and the reconciler through the options' functionEnv below, and the runner tasks through the GPU job.
    functionEnv.put("JOB_EVENTS_PUBLIC_TOPIC", JOB_EVENTS_PUBLIC);
    functionEnv.put("MODELS_BUCKET", MODELS_BUCKET);
    // Local only: test webhook receivers and model hubs listen on 127.0.0.1. Never set in the cloud (terraform/checks).
    functionEnv.put("WEBHOOKS_ALLOW_LOOPBACK", "true");
    functionEnv.put("MODEL_IMPORT_JOB_NAME", modelImportJobName(options.projectId()));
    functionEnv.put("MODEL_IMPORT_TOKENS_KEY", localSecret(dataDir, "model-import-tokens-key"));
    mail = track(LocalMailSink.start(dataDir.resolve("mail")));
    functionEnv.putAll(mail.smtpEnvironment());
    functionEnv.put("INBOUND_INTEGRATIONS", LOCAL_INTEGRATIONS);
    functionEnv.putAll(options.functionEnv());

    GoogleClients clients = track(new GoogleClients(GoogleCloudConfig.from(new Env(functionEnv))));
    modelsReader = clients;
    createTopics();
    // The Storage emulator keeps its files in the data directory: a second `./darkroom up` finds the bucket.
    if (clients.storage().get(OUTPUTS_BUCKET) == null) {
      clients.storage().create(BucketInfo.of(OUTPUTS_BUCKET));
    }
    if (clients.storage().get(MODELS_BUCKET) == null) {
      clients.storage().create(BucketInfo.of(MODELS_BUCKET));
    }
    SqlLedger.migrate(postgres.getPostgresDatabase());
    publishNodeCatalog(clients);
    createGpuJob(clients, options);
    createModelImportJob(clients, options.projectId());

    Path logs = dataDir.resolve("logs");
    // Each child binds port 0 and prints the port it got: choosing a free port here and handing it
    // over races with every other process on the machine (CI once lost notify's port that way).
    List<ManagedProcess> hosts = List.of(
        function("notify", NotifyFunction.class, logs),
        function("api", ApiFunction.class, logs),
        function("dispatch", DispatchFunction.class, logs),
        function("job-events", JobEventsFunction.class, logs),
        function("reconcile", ReconcileFunction.class, logs),
        function("dead-letters", DeadLettersFunction.class, logs),
        function("thumbnails", ThumbnailsFunction.class, logs),
        function("models", ModelsFunction.class, logs),
        function("runs", RunsFunction.class, logs));
    ManagedProcess gateway = realtimeGateway(logs);
    List<Integer> ports = new java.util.ArrayList<>();
    for (ManagedProcess host : hosts) {
      ports.add(boundPort(host.awaitLine(line -> line.startsWith(FunctionHost.READY), Duration.ofSeconds(60))));
    }
    int notifyPort = ports.get(0);
    int apiPort = ports.get(1);
    int dispatchPort = ports.get(2);
    int jobEventsPort = ports.get(3);
    int reconcilePort = ports.get(4);
    int deadLettersPort = ports.get(5);
    int thumbnailsPort = ports.get(6);
    int modelsPort = ports.get(7);
    runsPort = ports.get(8);
    int gatewayPort = boundPort(gateway.awaitLine(line -> line.startsWith(RealtimeGatewayMain.READY), Duration.ofSeconds(60)));
    warmUp(apiPort, options.firebaseAuthEmulator() != null);
    if (options.firebaseAuthEmulator() == null) {
      warmUpGateway(gatewayPort);
    }
    trigger(JOB_SUBMITTED, dispatchPort, keepWarmOn() ? WARM_REDELIVERY_BACKOFF : Duration.ofSeconds(1));
    trigger(JOB_EVENTS, jobEventsPort);
    warmUpTriggers(clients);
    trigger(RECONCILE_TICKS, reconcilePort);
    track(scheduleReconcile());
    trigger(NOTIFICATIONS, notifyPort);
    settleDeadLetters(deadLettersPort);
    previewOutputs(clients, thumbnailsPort);
    checkModels(clients, modelsPort);
    inboundTopics();
    // Last, so the public port answers only once everything behind it does.
    edge = track(Edge.start(options.apiPort(), apiPort, gatewayPort,
        new ConsoleFiles.Settings(options.projectId(), options.firebaseAuthEmulator(), engine != null)));
  }

  /**
   * A secret the cloud keeps in Secret Manager (the API key pepper, the webhook secrets key):
   * random, kept in the data directory (owner-only) so keys made in one run still work in the next.
   */
  private static String localSecret(Path dataDir, String name) {
    Path file = dataDir.resolve(name);
    try {
      if (!java.nio.file.Files.exists(file)) {
        byte[] random = new byte[48];
        new java.security.SecureRandom().nextBytes(random);
        java.nio.file.Files.createDirectories(dataDir);
        java.nio.file.Files.writeString(file, java.util.Base64.getEncoder().encodeToString(random));
        file.toFile().setReadable(false, false);
        file.toFile().setReadable(true, true);
      }
      return java.nio.file.Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the local " + name + " in " + file, e);
    }
  }

  /**
   * One request to the api function before the stack says it is ready: its first request builds
   * every client (Firestore, Pub/Sub, Storage, the ledger's pool), which a person's first prompt
   * should not have to wait for. In the cloud, minimum instances play this part.
   */
  private static void warmUp(int apiPort, boolean authOn) {
    get(URI.create("http://127.0.0.1:" + apiPort + "/prompt"), Duration.ofMinutes(5), authOn ? 401 : 200);
  }

  /**
   * One socket through the realtime gateway before the stack says it is ready, held until its
   * greeting: the gateway's first socket builds its Firestore client and opens its first listeners,
   * seconds in which the first snapshot of a client that POSTs right after connecting (ComfyUI's
   * websockets example) would lag behind its prompt. With authentication on, a socket needs a user's
   * credentials, which the stack does not have: the first user's socket warms it.
   */
  private static void warmUpGateway(int gatewayPort) {
    java.util.concurrent.CompletableFuture<Void> greeted = new java.util.concurrent.CompletableFuture<>();
    java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
      @Override
      public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket, CharSequence data,
          boolean last) {
        greeted.complete(null);
        return null;
      }

      @Override
      public void onError(java.net.http.WebSocket socket, Throwable error) {
        greeted.completeExceptionally(error);
      }
    };
    try {
      java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + gatewayPort + "/ws?clientId=stack-warm-up"), listener)
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
      greeted.get(60, java.util.concurrent.TimeUnit.SECONDS);
      socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "warmed up");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the realtime gateway did not greet a socket within a minute", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * One message through dispatch and through job-events before the stack says it is ready, both
   * about a job that has already ended (dispatch leaves it alone, job-events ignores a late event),
   * stored for a user nobody signs in as and deleted afterwards. A function's first event builds
   * its clients, seconds a person's first prompt should not wait. (Not a job that does not exist:
   * dispatch waits for and redelivers a fresh message whose job is not stored yet.)
   */
  private void warmUpTriggers(GoogleClients clients) {
    String jobId = "stack-warm-up-" + java.util.UUID.randomUUID();
    Instant now = Instant.now();
    // (Job is also Cloud Run's job here, hence the full name.)
    new FirestoreJobStore(clients.firestore()).create(dev.darkroom.core.job.Job.queued(jobId, "stack-warm-up", 0,
            JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(), null, now)
        .withStatus(JobStatus.CANCELLED, now)
        .hiddenFromHistory(now));
    try {
      deliverWarmUps(jobId);
    } finally {
      try {
        clients.firestore().recursiveDelete(clients.firestore().collection("jobs").document(jobId))
            .get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("the warm-up job {} could not be deleted (it is ended and hidden): {}", jobId, e.toString());
      }
    }
  }

  private void deliverWarmUps(String jobId) {
    try (PubSubEmulatorChannels pubsub = PubSubEmulatorChannels.connect(cloud.pubSub().orElseThrow().hostPort())) {
      Map<String, byte[]> messages = Map.of(
          JOB_SUBMITTED, Messages.encode(new JobSubmitted(jobId, "local", 1)),
          JOB_EVENTS, Messages.encode(new JobEvent.Progressed(jobId, 1, 0, java.time.Instant.now(),
              new Progress("warm-up", 0, 1))));
      messages.forEach((topic, data) -> pubsub.topicAdmin().publish(TopicName.of(cloud.projectId(), topic),
          List.of(com.google.pubsub.v1.PubsubMessage.newBuilder()
              .setData(com.google.protobuf.ByteString.copyFrom(data)).build())));
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (String topic : List.of(JOB_SUBMITTED, JOB_EVENTS)) {
      Trigger trigger = cloud.eventarc().trigger(topic).orElseThrow();
      while (trigger.stats().succeeded() == 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the " + topic + " trigger did not deliver its warm-up message in 2 minutes");
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** The body of a GET that must answer 200; anything else stops the stack from starting. */
  private static String getOk(URI uri, Duration timeout) {
    return get(uri, timeout, 200);
  }

  private static String get(URI uri, Duration timeout, int expectedStatus) {
    try {
      java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(uri).timeout(timeout).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != expectedStatus) {
        throw new IllegalStateException("GET " + uri + " answered " + answer.statusCode());
      }
      return answer.body();
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * What Cloud Scheduler does in the cloud: a message on {@code reconcile-ticks} at a fixed rate.
   * Each tick is one unary publish on a channel of its own, not a batching {@code Publisher}: a
   * publisher's shutdown waits for its pending messages, and a tick caught by Ctrl-C (which stops
   * the Pub/Sub emulator too) would then hold up the whole stop.
   */
  private AutoCloseable scheduleReconcile() {
    PubSubEmulatorChannels pubsub = PubSubEmulatorChannels.connect(cloud.pubSub().orElseThrow().hostPort());
    TopicName topic = TopicName.of(cloud.projectId(), RECONCILE_TICKS);
    com.google.cloud.pubsub.v1.TopicAdminClient admin = pubsub.topicAdmin();
    java.util.concurrent.ScheduledExecutorService scheduler = java.util.concurrent.Executors
        .newSingleThreadScheduledExecutor(r -> {
          Thread thread = new Thread(r, "local-cloud-scheduler");
          thread.setDaemon(true);
          return thread;
        });
    scheduler.scheduleAtFixedRate(() -> {
      try {
        admin.publish(topic, List.of(com.google.pubsub.v1.PubsubMessage.newBuilder()
            .setData(com.google.protobuf.ByteString.copyFromUtf8(
                "{\"scheduledAt\":\"" + java.time.Instant.now() + "\"}"))
            .build()));
      } catch (RuntimeException e) {
        // A missed tick is made up by the next one, as with Cloud Scheduler.
      }
    }, RECONCILE_EVERY.toMillis(), RECONCILE_EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    return () -> {
      scheduler.shutdownNow();
      pubsub.close();
    };
  }

  /** The realtime gateway, as its Cloud Run service runs: the functions' environment plus {@code PORT}. */
  private ManagedProcess realtimeGateway(Path logs) {
    Map<String, String> env = new LinkedHashMap<>(functionEnv);
    env.put("PORT", "0");
    return track(ChildJvm.start("realtime", RealtimeGatewayMain.class.getName(), List.of(), env,
        logs.resolve("realtime.log")));
  }

  private static EmbeddedPostgres startPostgres() {
    return LoopbackPorts.startOnFreePort(0, port -> {
      try {
        return EmbeddedPostgres.builder().setPort(port).start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
    });
  }


  private void createTopics() {
    try (PubSubEmulatorChannels pubsub = PubSubEmulatorChannels.connect(cloud.pubSub().orElseThrow().hostPort())) {
      for (String topic : List.of(JOB_SUBMITTED, JOB_EVENTS, NOTIFICATIONS, RECONCILE_TICKS, JOB_EVENTS_PUBLIC, OUTPUTS_FINALIZED,
          MODELS_FINALIZED)) {
        pubsub.topicAdmin().createTopic(TopicName.of(cloud.projectId(), topic));
      }
    }
  }

  /** The GPU job, as Terraform declares it; its tasks run the runner against the simulated engine. */
  private void createGpuJob(GoogleClients clients, Options options) {
    String projectId = options.projectId();
    cloud.cloudRun().orElseThrow().registerImage(GPU_IMAGE,
        ChildJvm.command("dev.darkroom.runner.RunnerMain", List.of()));
    Map<String, String> runnerEnv = new LinkedHashMap<>(cloud.environment());
    runnerEnv.put("OUTPUTS_BUCKET", OUTPUTS_BUCKET);
    runnerEnv.put("JOB_EVENTS_TOPIC", JOB_EVENTS);
    runnerEnv.put("COMFYUI_URL", comfyUiUrl);
    runnerEnv.put("DRAIN_IDLE_SECONDS", Long.toString(options.runnerDrainIdle().toSeconds()));
    runnerEnv.put("HEARTBEAT_SECONDS", "5");
    runnerEnv.put("TIER_CONCURRENCY", TIER_CONCURRENCY);
    runnerEnv.put("GPU_TASK_CAP", Integer.toString(GPU_TASK_CAP));
    // The keep-warm policy is off locally (tasks wait DRAIN_IDLE_SECONDS) unless asked for, as
    // Terraform does, through the options' environment (the functions get it too: functionEnv).
    for (String name : List.of("WARM_IDLE_BUDGET_SECONDS", "WARM_SCHEDULE", "WARM_GRACE_SECONDS")) {
      String value = options.functionEnv().get(name);
      if (value != null) {
        runnerEnv.put(name, value);
      }
    }
    createJob(clients, projectId, GPU_JOB, GPU_IMAGE, runnerEnv, "the GPU job");
  }

  /** A Cloud Run job of one task a run (retried once, an hour at most) in the emulator, as Terraform declares ours. */
  private static void createJob(GoogleClients clients, String projectId, String jobId, String image,
      Map<String, String> env, String what) {
    Container.Builder container = Container.newBuilder().setImage(image);
    env.forEach((name, value) -> container.addEnv(EnvVar.newBuilder().setName(name).setValue(value)));
    Job job = Job.newBuilder()
        .setTemplate(ExecutionTemplate.newBuilder()
            .setTaskCount(1)
            .setTemplate(TaskTemplate.newBuilder()
                .addContainers(container)
                .setMaxRetries(1)
                .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(3600))))
        .build();
    try {
      clients.cloudRunJobs().createJobAsync(CreateJobRequest.newBuilder()
          .setParent("projects/" + projectId + "/locations/" + REGION)
          .setJobId(jobId)
          .setJob(job)
          .build()).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create " + what + " in the Cloud Run emulator", e);
    }
  }

  /**
   * The model import job, as Terraform declares it: each task is the job's main in a JVM of its
   * own, with the functions' environment (the models bucket and collection, the tokens key, the
   * loopback switch that lets a local model hub be fetched).
   */
  private void createModelImportJob(GoogleClients clients, String projectId) {
    cloud.cloudRun().orElseThrow().registerImage(MODEL_IMPORT_IMAGE,
        ChildJvm.command("dev.darkroom.modelimport.ModelImportMain", List.of()));
    Map<String, String> env = new LinkedHashMap<>(functionEnv);
    env.put("MODEL_IMPORT_PROGRESS_SECONDS", "1");
    createJob(clients, projectId, MODEL_IMPORT_JOB, MODEL_IMPORT_IMAGE, env, "the model import job");
  }

  /**
   * The API validates against the catalog of the engine that actually runs; in the cloud the
   * runner publishes its ComfyUI's, here the stack publishes the engine's it just started.
   */
  private void publishNodeCatalog(GoogleClients clients) {
    String objectInfo = getOk(URI.create(comfyUiUrl + "/object_info"), Duration.ofSeconds(60));
    try {
      new GcsNodeCatalogStore(clients.storage(), OUTPUTS_BUCKET)
          .publish((com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(objectInfo));
    } catch (IOException e) {
      throw new UncheckedIOException("the engine's /object_info is not JSON", e);
    }
  }

  private ManagedProcess function(String name, Class<?> target, Path logs) {
    return track(ChildJvm.start(name, FunctionHost.class.getName(),
        List.of(target.getName(), "0"), functionEnv, logs.resolve(name + ".log")));
  }

  /** The port at the end of a child's ready line ({@code … on 127.0.0.1:PORT}). */
  static int boundPort(String readyLine) {
    int colon = readyLine.lastIndexOf(':');
    try {
      return Integer.parseInt(readyLine.substring(colon + 1).strip());
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalStateException("no port at the end of the ready line: " + readyLine, e);
    }
  }

  /**
   * The cloud subscription's minimum backoff (terraform/scripts/attach-dead-letters.sh). Dispatch
   * leaves a young job to warm tasks by failing its delivery (DispatchJobs.LeftForWarmTasksException)
   * and looks again at the redelivery: at a 1 s backoff the five attempts would all come within
   * 15 s, before the 30 s after which it launches, and the job would be dead-lettered instead.
   */
  static final Duration WARM_REDELIVERY_BACKOFF = Duration.ofSeconds(10);

  /** The keep-warm policy is on for the functions: the options set its budget or a schedule. */
  private boolean keepWarmOn() {
    return List.of("WARM_IDLE_BUDGET_SECONDS", "WARM_SCHEDULE").stream()
        .anyMatch(name -> !functionEnv.getOrDefault(name, "").isBlank());
  }

  /** As Eventarc would: the topic's messages to the function, retried, then dead-lettered. */
  private void trigger(String topic, int port) {
    trigger(topic, port, Duration.ofSeconds(1));
  }

  private void trigger(String topic, int port, Duration minBackoff) {
    cloud.eventarc().addTrigger(TriggerSpec.of(topic, topic, URI.create("http://127.0.0.1:" + port + "/"))
        .withBackoff(minBackoff, Duration.ofSeconds(60))
        .withDeadLetter(topic + "-dead-letter", 5));
  }

  /**
   * As Terraform's Eventarc Cloud Storage trigger does: every object finalized in the outputs
   * bucket to the thumbnails function, as a {@code google.cloud.storage.object.v1.finalized}
   * CloudEvent. In the cloud the trigger sees the whole bucket; the prefix here only spares the
   * local function the catalog and input objects, which it would ignore anyway.
   */
  private void previewOutputs(GoogleClients clients, int port) {
    clients.storage().createNotification(OUTPUTS_BUCKET,
        com.google.cloud.storage.NotificationInfo.newBuilder(TopicName.of(cloud.projectId(), OUTPUTS_FINALIZED).toString())
            .setPayloadFormat(com.google.cloud.storage.NotificationInfo.PayloadFormat.JSON_API_V1)
            .setEventTypes(com.google.cloud.storage.NotificationInfo.EventType.OBJECT_FINALIZE)
            .setObjectNamePrefix("outputs/").build());
    cloud.eventarc().addTrigger(TriggerSpec.of("thumbnails", OUTPUTS_FINALIZED, URI.create("http://127.0.0.1:" + port + "/"))
        .withEventType(TriggerSpec.STORAGE_OBJECT_FINALIZED)
        .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60))
        .withDeadLetter(OUTPUTS_FINALIZED + "-dead-letter", 5));
  }

  /**
   * The models bucket as the simulated engine sees it, like the GPU job's ComfyUI sees its FUSE
   * mount: every file under a model folder with a name ComfyUI would list, whatever its check
   * said (the API is what refuses prompts naming a refused or deleted file).
   */
  private Map<String, List<String>> modelsBucketFiles() {
    GoogleClients clients = modelsReader;
    if (clients == null) {
      return Map.of();
    }
    Map<String, List<String>> files = new java.util.TreeMap<>();
    for (com.google.cloud.storage.Blob blob : clients.storage().list(MODELS_BUCKET).iterateAll()) {
      int slash = blob.getName().indexOf('/');
      if (slash > 0 && dev.darkroom.core.models.ModelPaths.problem(blob.getName().substring(0, slash),
          blob.getName().substring(slash + 1)).isEmpty()) {
        files.computeIfAbsent(blob.getName().substring(0, slash), f -> new ArrayList<>())
            .add(blob.getName().substring(slash + 1));
      }
    }
    return files;
  }

  /**
   * As Terraform's Eventarc Cloud Storage trigger on the models bucket: every object finalized
   * there to the models function, which checks it and records its state.
   */
  private void checkModels(GoogleClients clients, int port) {
    clients.storage().createNotification(MODELS_BUCKET,
        com.google.cloud.storage.NotificationInfo.newBuilder(TopicName.of(cloud.projectId(), MODELS_FINALIZED).toString())
            .setPayloadFormat(com.google.cloud.storage.NotificationInfo.PayloadFormat.JSON_API_V1)
            .setEventTypes(com.google.cloud.storage.NotificationInfo.EventType.OBJECT_FINALIZE).build());
    cloud.eventarc().addTrigger(TriggerSpec.of("models", MODELS_FINALIZED, URI.create("http://127.0.0.1:" + port + "/"))
        .withEventType(TriggerSpec.STORAGE_OBJECT_FINALIZED)
        .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60))
        .withDeadLetter(MODELS_FINALIZED + "-dead-letter", 5));
  }

  /** The dead letters of dispatch and job-events to the dead-letters function; these have no dead-letter topic. */
  private void settleDeadLetters(int port) {
    for (String topic : List.of(JOB_SUBMITTED + "-dead-letter", JOB_EVENTS + "-dead-letter")) {
      cloud.eventarc().addTrigger(TriggerSpec.of(topic, topic, URI.create("http://127.0.0.1:" + port + "/"))
          .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(60)));
    }
  }

  /**
   * As Terraform's runs triggers: each configured integration's inbound topic to the runs function,
   * retried, then dead-lettered ({@code <topic>-dead-letter}); its reply topics in this project
   * created, for integrations to subscribe to.
   */
  private void inboundTopics() {
    com.fasterxml.jackson.databind.JsonNode integrations;
    try {
      integrations = new com.fasterxml.jackson.databind.ObjectMapper().readTree(functionEnv.get("INBOUND_INTEGRATIONS"));
    } catch (IOException e) {
      throw new IllegalStateException("INBOUND_INTEGRATIONS is not JSON", e);
    }
    try (PubSubEmulatorChannels pubsub = PubSubEmulatorChannels.connect(cloud.pubSub().orElseThrow().hostPort())) {
      for (com.fasterxml.jackson.databind.JsonNode integration : integrations) {
        deliverToRuns(integration.path("topic").asText());
        for (com.fasterxml.jackson.databind.JsonNode reply : integration.path("reply_topics")) {
          if (!reply.asText().startsWith("projects/")) {
            try {
              pubsub.topicAdmin().createTopic(TopicName.of(cloud.projectId(), reply.asText()));
            } catch (com.google.api.gax.rpc.AlreadyExistsException alreadyThere) {
              // Another integration's reply topic too.
            }
          }
        }
      }
    }
  }

  /**
   * Delivers {@code topic}'s messages to the runs function as an Eventarc trigger does (the topic
   * created where absent): a configured inbound topic, or, in tests, one no integration has, which
   * the function must refuse.
   */
  public void deliverToRuns(String topic) {
    trigger(topic, runsPort);
  }

  static String modelImportJobName(String projectId) {
    return "projects/" + projectId + "/locations/" + REGION + "/jobs/" + MODEL_IMPORT_JOB;
  }

  static String gpuJobName(String projectId) {
    return "projects/" + projectId + "/locations/" + REGION + "/jobs/" + GPU_JOB;
  }

  private <T extends AutoCloseable> T track(T resource) {
    started.add(resource);
    return resource;
  }

  /** The public URL: ComfyUI's HTTP API and its {@code /ws}, as a client would use them. */
  public String apiUrl() {
    return "http://127.0.0.1:" + edge.port();
  }

  public LocalCloud cloud() {
    return cloud;
  }

  /** The simulated engine, or null when the stack drives a real ComfyUI. */
  public SimulatedComfyUI engine() {
    return engine;
  }

  public boolean simulatedEngine() {
    return engine != null;
  }

  public String comfyUiUrl() {
    return comfyUiUrl;
  }

  /** The {@value LocalMailSink#LABEL}: what notify's email target sends to. */
  public LocalMailSink mail() {
    return mail;
  }

  public javax.sql.DataSource ledgerDatabase() {
    return postgres.getPostgresDatabase();
  }

  /**
   * Makes the ledger's database unreachable for every deployable for {@code outage}: open
   * connections are cut and new ones closed at once (fault injection for tests).
   */
  public void cutDatabaseFor(Duration outage) {
    databaseProxy.cutFor(outage);
  }

  /** The environment every function gets: for tests and tools that talk to the same stores. */
  public Map<String, String> functionEnvironment() {
    return Map.copyOf(functionEnv);
  }

  /** Deliveries stop first, so no function is taken away in the middle of one; then the rest, newest first. */
  @Override
  public void close() {
    if (cloud != null) {
      cloud.stopEventarc();
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn("stopping {} failed: {}", started.get(i).getClass().getSimpleName(), e.toString());
      }
    }
    started.clear();
  }
}
