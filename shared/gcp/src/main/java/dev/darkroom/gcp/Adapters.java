package dev.darkroom.gcp;

import dev.darkroom.core.notify.RetrySchedule;
import dev.darkroom.core.port.EmailRecipients;
import dev.darkroom.core.port.EmailSender;
import dev.darkroom.core.port.PendingNotifications;
import java.util.Optional;

import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.zaxxer.hikari.HikariDataSource;
import dev.darkroom.core.usecase.ApiKeys;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.usecase.Authenticator;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.notify.OutboundUrlPolicy;
import dev.darkroom.core.port.DeliveryLog;
import dev.darkroom.core.port.DeviceTokens;
import dev.darkroom.core.port.ExecutionStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.IdTokenVerifier;
import dev.darkroom.core.port.IntegrationEvents;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.IdempotencyKeys;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.Ledger;
import dev.darkroom.core.port.RateCounter;
import dev.darkroom.core.port.Usage;
import dev.darkroom.core.port.NodeCatalogStore;
import dev.darkroom.core.port.NotificationPublisher;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.port.PushSender;
import dev.darkroom.core.port.WebhookEndpoints;
import dev.darkroom.core.port.WebhookSender;
import dev.darkroom.core.usecase.FairShare;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The production adapters of every port, built on first use from the environment. Each
 * deployable asks only for the ports it needs, so it reads only the variables those need. The
 * variable names are the ones {@code terraform/} sets.
 */
public final class Adapters implements AutoCloseable {
  private final GoogleClients clients;
  private final Env env;
  private HikariDataSource dataSource;
  private GcsOutputStore outputs;
  private com.google.firebase.FirebaseApp firebase;
  private FirebaseIdTokenVerifier idTokens;

  public Adapters(Env env) {
    this.env = env;
    this.clients = new GoogleClients(env);
  }

  public static Adapters fromEnvironment() {
    return new Adapters(Env.system());
  }

  public Env env() {
    return env;
  }

  public GoogleClients clients() {
    return clients;
  }

  public JobStore jobStore() {
    return new FirestoreJobStore(clients.firestore(), env.orDefault("JOBS_COLLECTION", "jobs"));
  }

  /**
   * Which job each client's {@code Idempotency-Key} names ({@code POST /api/v2/jobs}); prefixed
   * per environment in the cloud as the jobs collection is.
   */
  public IdempotencyKeys idempotencyKeys() {
    return new FirestoreIdempotencyKeys(clients.firestore(),
        env.orDefault("IDEMPOTENCY_KEYS_COLLECTION", "idempotency_keys"));
  }

  /** Live job documents, for the realtime gateway and the api's job event streams. */
  public JobFeed jobFeed() {
    return new FirestoreJobFeed(clients.firestore(), env.orDefault("JOBS_COLLECTION", "jobs"));
  }

  public JobQueue jobQueue() {
    return new PubSubJobQueue(topic("JOB_SUBMITTED_TOPIC", "job-submitted"));
  }

  public JobEventPublisher jobEvents() {
    return new PubSubJobEventPublisher(topic("JOB_EVENTS_TOPIC", "job-events"));
  }

  public NotificationPublisher notifications() {
    return new PubSubNotificationPublisher(topic("NOTIFICATIONS_TOPIC", "notifications"));
  }

  public JobLauncher jobLauncher() {
    return new CloudRunJobLauncher(clients.cloudRunJobs(), env.require("GPU_JOB_NAME", GPU_JOB_PURPOSE));
  }

  /** The GPU job's executions as Cloud Run reports them: the reconciler's check on dispatched jobs. */
  public ExecutionStatus executionStatus() {
    return new CloudRunExecutionStatus(clients.cloudRunExecutions(), env.require("GPU_JOB_NAME", GPU_JOB_PURPOSE));
  }

  // Read in each port method itself: terraform/checks follows the variable a port reads to the
  // resource it is set to, which is where that port's role must be granted.
  private static final String GPU_JOB_PURPOSE = "the Cloud Run GPU job: projects/{p}/locations/{region}/jobs/{job}";

  /**
   * The GPU slots: {@code GPU_TASK_CAP} (default 10, a typical first L4 quota per region) slots in
   * {@code GPU_SLOTS_COLLECTION}. Dispatch and the reconciler count and take them; runners renew
   * theirs.
   */
  public GpuPool gpuPool() {
    int cap = env.intOrDefault("GPU_TASK_CAP", 10);
    if (cap < 1) {
      throw new Env.MissingConfigException("GPU_TASK_CAP must be at least 1: " + cap);
    }
    return new FirestoreGpuPool(clients.firestore(), gpuSlotsCollection(), cap);
  }

  /**
   * How many jobs one user of each tier may have dispatched or running at once:
   * {@code TIER_CONCURRENCY}, e.g. {@code free=1,standard=4,pro=16}; a tier not listed (and every
   * tier when it is unset) is limited only by the GPU pool.
   */
  public FairShare.Limits tierLimits() {
    return tierLimits(env);
  }

  /** {@link #tierLimits()} from {@code env}: for a task that reads its configuration before anything else. */
  public static FairShare.Limits tierLimits(Env env) {
    String spec = env.orDefault("TIER_CONCURRENCY", "");
    try {
      return FairShare.Limits.parse(spec, Integer.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException("TIER_CONCURRENCY is malformed: " + e.getMessage());
    }
  }

  /**
   * The GPU slots as a task sees them: it renews and gives back the lease dispatch gave it, and
   * never counts or reserves, so it needs no {@code GPU_TASK_CAP}.
   */
  public GpuPool gpuSlotLeases() {
    return new FirestoreGpuPool(clients.firestore(), gpuSlotsCollection(), 1);
  }

  private String gpuSlotsCollection() {
    return env.orDefault("GPU_SLOTS_COLLECTION", "gpuSlots");
  }

  /** The ledger; the schema is migrated on first use (Flyway takes a lock, so instances may race). */
  public Ledger ledger() {
    return new SqlLedger(database());
  }

  /**
   * Who is calling, for the API and the realtime gateway. {@code DARKROOM_AUTH} is the one switch:
   * {@code on} (Terraform sets it) needs a Firebase ID token or an API key on every call;
   * {@code off} makes every call the user {@code local}, for the local stack on 127.0.0.1 only.
   */
  public Authenticator authenticator(Clock clock) {
    return authRequired()
        ? Authenticator.required(idTokenVerifier(), apiKeys(clock), defaultTier())
        : Authenticator.localUser(defaultTier());
  }

  /** True unless {@code DARKROOM_AUTH=off}; anything but on or off stops the deployable. */
  public boolean authRequired() {
    String auth = env.require("DARKROOM_AUTH",
        "'on' (every call authenticated; Terraform sets it) or 'off' (the local stack on 127.0.0.1 only)");
    if (!auth.equals("on") && !auth.equals("off")) {
      throw new Env.MissingConfigException("DARKROOM_AUTH must be 'on' or 'off', not '" + auth + "'");
    }
    return auth.equals("on");
  }

  /** The tier of a user whose ID token has no {@code tier} claim ({@code DEFAULT_TIER}). */
  public String defaultTier() {
    return env.orDefault("DEFAULT_TIER", Job.DEFAULT_TIER);
  }

  /**
   * Users' API keys, hashed under {@code API_KEY_PEPPER} (Secret Manager; at least 32 bytes; never
   * logged) in the ledger's database.
   */
  public ApiKeys apiKeys(Clock clock) {
    byte[] pepper = secret("API_KEY_PEPPER", "the secret API key hashes are keyed with", ApiKeys.MIN_PEPPER_BYTES);
    return new ApiKeys(new SqlApiKeyStore(database()), pepper, clock);
  }

  /** A secret from Secret Manager (an env variable in the cloud), at least {@code minBytes} long; never logged. */
  private byte[] secret(String variable, String purpose, int minBytes) {
    byte[] value = env.require(variable, purpose + " (Secret Manager), at least " + minBytes + " bytes")
        .getBytes(StandardCharsets.UTF_8);
    if (value.length < minBytes) {
      throw new Env.MissingConfigException(variable + " must be at least " + minBytes + " bytes; it is " + value.length);
    }
    return value;
  }

  /** What users have used (GPU-seconds), read from the ledger: for quotas. */
  public Usage usage() {
    return new SqlLedger(database());
  }

  /** Request counters for rate limits, in the ledger's database (shared by every instance). */
  public RateCounter rateCounter() {
    return new SqlRateCounter(database());
  }

  /** Users' webhook endpoints, in the ledger's database. */
  public WebhookEndpoints webhookEndpoints() {
    return new SqlWebhookEndpoints(database(), new SecretSealer(secret("WEBHOOK_SECRETS_KEY",
        "the secret that seals webhook signing secrets in the database", SecretSealer.MIN_KEY_BYTES)));
  }

  /** Every notification delivery attempt, in the ledger's database. */
  public DeliveryLog deliveryLog() {
    return new SqlDeliveryLog(database());
  }

  /**
   * Webhooks over HTTP, refusing internal addresses. {@value #ALLOW_LOOPBACK_VARIABLE}{@code =true}
   * lets them reach 127.0.0.1: the local stack's receivers live there; never set in the cloud.
   */
  public WebhookSender webhookSender() {
    return new HttpWebhookSender(webhookUrlPolicy());
  }

  /** What webhooks may call: the same policy checks a URL at registration and at each delivery. */
  public OutboundUrlPolicy webhookUrlPolicy() {
    boolean allowLoopback = Boolean.parseBoolean(env.orDefault(ALLOW_LOOPBACK_VARIABLE, "false"));
    return new OutboundUrlPolicy(allowLoopback, java.net.InetAddress::getAllByName);
  }

  /** Notifications with targets still to reach and when to try them next, in the ledger's database. */
  public PendingNotifications pendingNotifications() {
    return new SqlPendingNotifications(database());
  }

  /** {@code WEBHOOK_RETRY_SCHEDULE} (comma-separated waits), else Standard Webhooks' schedule. */
  public RetrySchedule retrySchedule() {
    return RetrySchedule.parse(env.orDefault("WEBHOOK_RETRY_SCHEDULE", RetrySchedule.DEFAULT));
  }

  /** Users' email opt-ins, in the ledger's database. */
  public EmailRecipients emailRecipients() {
    return new SqlEmailRecipients(database());
  }

  /**
   * SMTP per {@code SMTP_HOST} and friends; without {@code SMTP_HOST} email is off (said once, at
   * INFO), and opted-in users get no mail rather than failing deliveries.
   */
  public EmailSender emailSender() {
    Optional<String> host = env.optional("SMTP_HOST");
    if (host.isEmpty()) {
      org.slf4j.LoggerFactory.getLogger(Adapters.class).info("email notifications are off: SMTP_HOST is not set");
      return new EmailSender() {
        @Override
        public void send(String to, String subject, String body) {
          throw new IllegalStateException("email is off (SMTP_HOST is not set)");
        }

        @Override
        public boolean enabled() {
          return false;
        }
      };
    }
    return new SmtpEmailSender(new SmtpEmailSender.Settings(host.get(), env.intOrDefault("SMTP_PORT", 587),
        env.optional("SMTP_USERNAME").orElse(null), env.optional("SMTP_PASSWORD").orElse(null),
        env.require("SMTP_FROM", "the sender address of notification mails"),
        Boolean.parseBoolean(env.orDefault("SMTP_STARTTLS", "true"))));
  }

  public static final String ALLOW_LOOPBACK_VARIABLE = "WEBHOOKS_ALLOW_LOOPBACK";

  /** FCM registration tokens of users' devices ({@code devices/{token}}). */
  public DeviceTokens deviceTokens() {
    return new FirestoreDeviceTokens(clients.firestore(), env.orDefault("DEVICES_COLLECTION", "devices"));
  }

  /**
   * Push through Firebase Cloud Messaging, as this project's Firebase app. The app is made at the
   * first send, not here: most notifications go to users with no device, and the local stack has
   * no credentials for FCM at all.
   */
  public PushSender pushSender() {
    return (tokens, title, body, data, collapseKey) -> fcm().send(tokens, title, body, data, collapseKey);
  }

  private PushSender fcm() {
    return new FcmPushSender(com.google.firebase.messaging.FirebaseMessaging.getInstance(firebase()));
  }

  /**
   * Firebase ID tokens of this project ({@code GOOGLE_CLOUD_PROJECT}), checked with Firebase Auth
   * on every call so that revoked sessions and disabled accounts are refused. Like
   * {@link #pushSender()}, the Firebase app is made at the first token, not here.
   */
  public IdTokenVerifier idTokenVerifier() {
    return (idToken, defaultTier) -> idTokens().verify(idToken, defaultTier);
  }

  private synchronized FirebaseIdTokenVerifier idTokens() throws AuthFailure {
    if (idTokens == null) {
      try {
        idTokens = new FirebaseIdTokenVerifier(firebase());
      } catch (UncheckedIOException e) {
        throw new AuthFailure(AuthFailure.Reason.UNAVAILABLE, "Firebase Auth cannot be asked: " + e.getMessage(), e);
      }
    }
    return idTokens;
  }

  /**
   * This project's Firebase app (FCM and Auth), with Application Default Credentials; beside a
   * local Auth emulator ({@code FIREBASE_AUTH_EMULATOR_HOST}, which the SDK reads itself), with
   * placeholder credentials, which the emulator accepts. Named for this instance, so that it never
   * meets another app of the JVM (the default one included).
   */
  private synchronized com.google.firebase.FirebaseApp firebase() {
    if (firebase == null) {
      try {
        com.google.auth.oauth2.GoogleCredentials credentials = env.optional("FIREBASE_AUTH_EMULATOR_HOST").isPresent()
            ? com.google.auth.oauth2.GoogleCredentials.create(
                new com.google.auth.oauth2.AccessToken("owner", new java.util.Date(Long.MAX_VALUE)))
            : com.google.auth.oauth2.GoogleCredentials.getApplicationDefault();
        firebase = com.google.firebase.FirebaseApp.initializeApp(com.google.firebase.FirebaseOptions.builder()
            .setCredentials(credentials)
            .setProjectId(clients.projectId())
            .build(), "darkroom-" + System.identityHashCode(this));
      } catch (IOException e) {
        throw new UncheckedIOException("no Application Default Credentials for Firebase (FCM, Auth)", e);
      }
    }
    return firebase;
  }

  /** CloudEvents for integrations, on the public topic. */
  public IntegrationEvents integrationEvents() {
    return new PubSubIntegrationEvents(clients.publisher(env.orDefault("JOB_EVENTS_PUBLIC_TOPIC", "job-events-public")),
        clients.projectId());
  }

  /** The ledger's database, migrated on first use (Flyway takes a lock, so instances may race). */
  private synchronized javax.sql.DataSource database() {
    if (dataSource == null) {
      dataSource = SqlLedger.dataSource(env);
      SqlLedger.migrate(dataSource);
    }
    return dataSource;
  }

  /**
   * The outputs bucket. URLs are signed with {@code STORAGE_SIGNER_KEY_FILE} when it is set (the
   * local Storage emulator's key) and pointed at {@code STORAGE_EMULATOR_HOST}; in the cloud the
   * client's own service account signs.
   */
  public synchronized OutputStore outputStore() {
    if (outputs == null) {
      ServiceAccountSigner signer = env.optional("STORAGE_SIGNER_KEY_FILE").map(Adapters::signer).orElse(null);
      outputs = new GcsOutputStore(clients.storage(),
          env.require("OUTPUTS_BUCKET", "the Cloud Storage bucket for outputs"),
          signer, env.optional("STORAGE_EMULATOR_HOST").orElse(null));
    }
    return outputs;
  }

  /** The node catalog the API validates against, kept beside the outputs. */
  public NodeCatalogStore nodeCatalog() {
    return new GcsNodeCatalogStore(clients.storage(), env.require("OUTPUTS_BUCKET", "the Cloud Storage bucket for outputs"));
  }

  private PubSubTopic topic(String variable, String defaultName) {
    return new PubSubTopic(clients.publisher(env.orDefault(variable, defaultName)));
  }

  private static ServiceAccountSigner signer(String keyFile) {
    try (InputStream in = Files.newInputStream(Path.of(keyFile))) {
      return ServiceAccountCredentials.fromStream(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read STORAGE_SIGNER_KEY_FILE " + keyFile, e);
    }
  }

  @Override
  public synchronized void close() {
    clients.close();
    if (dataSource != null) {
      dataSource.close();
    }
    if (firebase != null) {
      firebase.delete();
    }
  }
}
