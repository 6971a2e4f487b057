package dev.darkroom.functions.api;

import dev.darkroom.core.auth.Caller;
import dev.darkroom.testing.InMemoryWebhookEndpoints;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryEmailRecipients;
import dev.darkroom.testing.InMemoryDeviceTokens;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.notify.OutboundUrlPolicy;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.Ledger;
import dev.darkroom.core.port.NodeCatalogStore;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.limits.OpenStreams;
import dev.darkroom.core.usecase.ApiKeys;
import dev.darkroom.core.usecase.FreshSignIn;
import dev.darkroom.core.usecase.StandingRecheck;
import dev.darkroom.core.usecase.StreamTicketing;
import dev.darkroom.testing.InMemoryStreamTickets;
import dev.darkroom.core.usecase.CancelJobs;
import dev.darkroom.core.usecase.RegisterWebhooks;
import dev.darkroom.core.usecase.StartModelImport;
import dev.darkroom.core.usecase.SubmitJob;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.functions.api.http.Callers;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.routes.CatalogRoutes;
import dev.darkroom.functions.api.routes.DeploymentRoutes;
import dev.darkroom.functions.api.routes.FileRoutes;
import dev.darkroom.functions.api.routes.HistoryRoutes;
import dev.darkroom.functions.api.routes.JobEventStream;
import dev.darkroom.functions.api.routes.JobRoutes;
import dev.darkroom.functions.api.routes.KeyRoutes;
import dev.darkroom.functions.api.routes.ModelImportRoutes;
import dev.darkroom.functions.api.routes.ModelRoutes;
import dev.darkroom.functions.api.routes.NotificationRoutes;
import dev.darkroom.functions.api.routes.OpenApiDocument;
import dev.darkroom.functions.api.routes.PromptRoutes;
import dev.darkroom.functions.api.routes.QueueRoutes;
import dev.darkroom.functions.api.routes.StagedInputImages;
import dev.darkroom.functions.api.routes.StreamTicketRoutes;
import dev.darkroom.functions.api.routes.UploadedInputs;
import dev.darkroom.functions.api.views.JobResources;
import dev.darkroom.core.usecase.PublishDeployment;
import dev.darkroom.core.usecase.RunDeployment;
import dev.darkroom.testing.InMemoryApiKeyStore;
import dev.darkroom.testing.InMemoryDeploymentStore;
import dev.darkroom.testing.InMemoryIdempotencyKeys;
import dev.darkroom.testing.InMemoryJobFeed;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.gcp.OutboundHttp;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.time.ZoneOffset;

/** The API wired to fakes, as {@link ApiFunction} wires it to the real adapters. */
final class ApiFixture {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

  /**
   * Short, so a test sees a keep-alive comment at once. The fixed clock never reaches a stream's
   * end of life: here a stream ends when its job does ({@code JobEventStreamTest} bounds one itself).
   */
  static final java.time.Duration EVENT_KEEP_ALIVE = java.time.Duration.ofMillis(50);
  static final java.time.Duration EVENT_STREAM_LIFETIME = java.time.Duration.ofMinutes(55);

  /** The models' states every fixture lists (a test that lists models adds its own, with unique names). */
  static final dev.darkroom.testing.InMemoryModelStore MODELS = new dev.darkroom.testing.InMemoryModelStore();
  /** The models bucket every fixture uploads to and deletes from. */
  static final dev.darkroom.testing.InMemoryModelFiles MODEL_FILES = new dev.darkroom.testing.InMemoryModelFiles(CLOCK);

  /** Every fixture's users' files (tests use users of their own). */
  static final dev.darkroom.testing.InMemoryUserFiles USER_FILES = new dev.darkroom.testing.InMemoryUserFiles(CLOCK);

  /** The import job's executions every fixture launched, as {@code folder/name#importId}. */
  static final List<String> IMPORT_LAUNCHES = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Seals hub tokens as the api does, under a test key. */
  static final dev.darkroom.gcp.SecretSealer TOKEN_SEALER = new dev.darkroom.gcp.SecretSealer(new byte[32]);

  private ApiFixture() {}

  /**
   * The model import routes over the fixture's models: callers whose user id starts with
   * {@code admin} manage models; hosts resolve to a public address, but {@code *.internal.test}
   * to a private one; launches are recorded in {@link #IMPORT_LAUNCHES}.
   */
  static ModelImportRoutes modelImports() {
    OutboundUrlPolicy policy = new OutboundUrlPolicy(false, host -> new InetAddress[] {InetAddress.getByAddress(host,
        host.endsWith(".internal.test") ? new byte[] {10, 0, 0, 1} : new byte[] {93, (byte) 184, (byte) 215, 14})});
    return new ModelImportRoutes(new StartModelImport(MODELS, (folder, name, importId) -> {
      IMPORT_LAUNCHES.add(folder + "/" + name + "#" + importId);
      return "projects/p/locations/r/jobs/model-import/executions/e" + IMPORT_LAUNCHES.size();
    }, policy, TOKEN_SEALER::seal, CLOCK), MODELS, caller -> caller.userId().startsWith("admin"));
  }

  /** What opens and limits event streams, and who may mint keys. */
  record Streams(StreamTicketing tickets, OpenStreams open, StandingRecheck standing, FreshSignIn freshSignIn) {
    /** Tickets in memory, the default limits, every account in good standing, every sign-in fresh. */
    static Streams defaults() {
      return new Streams(new StreamTicketing(new InMemoryStreamTickets(), CLOCK),
          new OpenStreams("event streams", new OpenStreams.Limits(10, 40)),
          new StandingRecheck(caller -> Instant.EPOCH, CLOCK, StandingRecheck.PERIOD),
          new FreshSignIn(token -> CLOCK.instant(), FreshSignIn.MAX_AGE, CLOCK));
    }
  }

  /** Every request is {@code userId}, signed in with an ID token, of the default tier. */
  static Callers as(java.util.function.Supplier<String> userId) {
    return request -> Caller.idToken(userId.get(), dev.darkroom.core.job.Job.DEFAULT_TIER);
  }

  /**
   * @param catalogs the node catalogs prompts are checked against, or null for none published
   */
  static ComfyApi api(JobStore jobs, JobQueue queue, OutputStore files, Ledger ledger,
      NodeCatalogStore catalogs, Callers callers) {
    return api(jobs, queue, files, ledger, catalogs, callers,
        new Admission(new InMemoryRateCounter(), jobs, new InMemoryLedger(), Admission.Settings.none(), CLOCK),
        apiKeys());
  }

  /** API keys in memory, of accounts in memory (none: a test that authenticates with keys adds its users). */
  static ApiKeys apiKeys() {
    return new ApiKeys(new InMemoryApiKeyStore(), new dev.darkroom.testing.InMemoryAccountDirectory(CLOCK), new byte[32],
        dev.darkroom.core.job.Job.DEFAULT_TIER, CLOCK);
  }

  static ComfyApi api(JobStore jobs, JobQueue queue, OutputStore files, Ledger ledger,
      NodeCatalogStore catalogs, Callers callers, Admission admission, ApiKeys keys) {
    return api(jobs, queue, files, ledger, catalogs, callers, admission, keys,
        notifications(jobs, new InMemoryWebhookEndpoints(CLOCK), new InMemoryDeviceTokens(), new InMemoryEmailRecipients()));
  }

  /** The notification routes over fakes; every host but {@code *.internal.test} resolves to a public address. */
  static NotificationRoutes notifications(JobStore jobs, InMemoryWebhookEndpoints endpoints, InMemoryDeviceTokens devices,
      InMemoryEmailRecipients email) {
    return notifications(jobs, endpoints, devices, email, new dev.darkroom.testing.InMemoryDeliveryLog());
  }

  /** The notification routes over fakes, showing the deliveries recorded in {@code deliveries}. */
  static NotificationRoutes notifications(JobStore jobs, InMemoryWebhookEndpoints endpoints, InMemoryDeviceTokens devices,
      InMemoryEmailRecipients email, dev.darkroom.core.port.DeliveryLog deliveries) {
    OutboundUrlPolicy policy = new OutboundUrlPolicy(false, host -> new InetAddress[] {InetAddress.getByAddress(host,
        host.endsWith(".internal.test") ? new byte[] {10, 0, 0, 1} : new byte[] {93, (byte) 184, (byte) 215, 14})});
    return new NotificationRoutes(new RegisterWebhooks(endpoints, jobs, policy, 3, Duration.ofHours(24), CLOCK),
        devices, email, deliveries);
  }

  static ComfyApi api(JobStore jobs, JobQueue queue, OutputStore files, Ledger ledger,
      NodeCatalogStore catalogs, Callers callers, Admission admission, ApiKeys keys, Streams streams) {
    return api(jobs, queue, files, ledger, catalogs, callers, admission, keys,
        notifications(jobs, new InMemoryWebhookEndpoints(CLOCK), new InMemoryDeviceTokens(), new InMemoryEmailRecipients()),
        streams);
  }

  static ComfyApi api(JobStore jobs, JobQueue queue, OutputStore files, Ledger ledger,
      NodeCatalogStore catalogs, Callers callers, Admission admission, ApiKeys keys,
      NotificationRoutes notifications) {
    return api(jobs, queue, files, ledger, catalogs, callers, admission, keys, notifications, Streams.defaults());
  }

  static ComfyApi api(JobStore jobs, JobQueue queue, OutputStore files, Ledger ledger,
      NodeCatalogStore catalogs, Callers callers, Admission admission, ApiKeys keys,
      NotificationRoutes notifications, Streams streams) {
    return new ComfyApi(callers, streams.tickets(), admission, CLOCK,
        groups(jobs, queue, files, ledger, catalogs, admission, keys, notifications, streams));
  }

  /**
   * Every route group, over these fakes, in {@link ApiWiring}'s order. Image inputs by URL may
   * reach 127.0.0.1 (as on the local stack), where the tests serve them.
   */
  static RouteGroup[] groups(JobStore jobs, JobQueue queue, OutputStore files, Ledger ledger,
      NodeCatalogStore catalogs, Admission admission, ApiKeys keys, NotificationRoutes notifications, Streams streams) {
    PromptPolicy policy = new PromptPolicy(catalogs != null ? catalogs : new InMemoryNodeCatalogStore(), files, CLOCK);
    SubmitPrompt submit = new SubmitPrompt(jobs, queue, policy, CLOCK);
    CancelJobs cancel = new CancelJobs(jobs, ledger, CLOCK);
    JobResources resources = new JobResources(jobs, files);
    SubmitJob submitJob = new SubmitJob(submit, new InMemoryIdempotencyKeys(), jobs, admission, CLOCK);
    InMemoryDeploymentStore deployments = new InMemoryDeploymentStore();
    // Only the in-memory store has a feed; the tests that stream events use it.
    JobFeed feed = jobs instanceof InMemoryJobStore memory ? new InMemoryJobFeed(memory) : null;
    return new RouteGroup[] {
        new PromptRoutes(submit, jobs),
        new QueueRoutes(jobs, cancel),
        new HistoryRoutes(jobs, CLOCK),
        new FileRoutes(jobs, files, new UploadedInputs(files)),
        new CatalogRoutes(policy.catalog()),
        new KeyRoutes(keys, streams.freshSignIn()),
        new StreamTicketRoutes(streams.tickets()),
        new JobRoutes(submitJob, jobs, cancel, resources),
        new JobEventStream(jobs, feed, resources, CLOCK, EVENT_KEEP_ALIVE, EVENT_STREAM_LIFETIME, streams.open(),
            streams.standing()),
        new OpenApiDocument(),
        notifications,
        new ModelRoutes(MODELS, new dev.darkroom.core.usecase.ManageModels(MODELS, MODEL_FILES, false, () -> { }, CLOCK)),
        modelImports(),
        new DeploymentRoutes(new PublishDeployment(deployments, policy, CLOCK),
            new RunDeployment(deployments, submitJob, policy, StagedInputImages.over(
                new OutboundHttp(new OutboundUrlPolicy(true, InetAddress::getAllByName)), new UploadedInputs(files))),
            deployments, jobs, resources, CLOCK).notifyingThrough(notifications.webhooks()),
        new dev.darkroom.functions.api.routes.UserDataRoutes(new dev.darkroom.core.userdata.UserData(USER_FILES)),
        new dev.darkroom.functions.api.routes.SettingsRoutes(new dev.darkroom.core.userdata.UserSettings(USER_FILES)),
        new dev.darkroom.functions.api.routes.ComfyServerRoutes(new dev.darkroom.core.userdata.UserData(USER_FILES)),
        new dev.darkroom.functions.api.routes.ComfyJobsRoutes(jobs, cancel)};
  }
}
