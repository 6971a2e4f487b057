package dev.darkroom.gcp;

import com.google.auth.ServiceAccountSigner;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.zaxxer.hikari.HikariDataSource;
import dev.darkroom.core.usecase.ApiKeys;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.usecase.Authenticator;
import dev.darkroom.core.notify.OutboundUrlPolicy;
import dev.darkroom.core.port.AccountDirectory;
import dev.darkroom.core.port.DeliveryLog;
import dev.darkroom.core.port.DeviceTokens;
import dev.darkroom.core.port.EmailRecipients;
import dev.darkroom.core.port.EmailSender;
import dev.darkroom.core.port.ExecutionStatus;
import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.IdTokenVerifier;
import dev.darkroom.core.port.IdempotencyKeys;
import dev.darkroom.core.port.IntegrationEvents;
import dev.darkroom.core.port.JobEventPublisher;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobLauncher;
import dev.darkroom.core.port.JobQueue;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.LaunchedExecutions;
import dev.darkroom.core.port.Ledger;
import dev.darkroom.core.port.NodeCatalogStore;
import dev.darkroom.core.port.NotificationPublisher;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.port.PendingNotifications;
import dev.darkroom.core.port.PushSender;
import dev.darkroom.core.port.RateCounter;
import dev.darkroom.core.port.Usage;
import dev.darkroom.core.port.WebhookEndpoints;
import dev.darkroom.core.port.WebhookSender;
import dev.darkroom.core.port.CallerStanding;
import dev.darkroom.core.port.SignInTimes;
import dev.darkroom.core.port.StreamTickets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The production adapter of each port, built from typed configuration (a deployable's {@code *Config}
 * reads the environment; this class never does). One method per port, each given the configuration of
 * the resource it uses, so that which ports a deployable uses is visible in its wiring (and
 * terraform/checks derives its roles from that). It owns what the ports share and must be made once
 * per instance, lazily: the Google clients, the ledger's connection pool, the Firebase app.
 */
public final class Adapters implements AutoCloseable {
  private final GoogleClients clients;
  private final DatabaseConfig database;
  private HikariDataSource dataSource;
  private GcsOutputStore outputs;
  private com.google.firebase.FirebaseApp firebase;
  private FirebaseIdTokenVerifier idTokens;
  private FirebaseAccountDirectory accounts;

  /** For a deployable without the ledger's database. */
  public Adapters(GoogleCloudConfig cloud) {
    this(cloud, null);
  }

  /** @param database the ledger's database, for the ports kept there; null if the deployable has none */
  public Adapters(GoogleCloudConfig cloud, DatabaseConfig database) {
    this.clients = new GoogleClients(cloud);
    this.database = database;
  }

  public GoogleClients clients() {
    return clients;
  }

  public JobStore jobStore(CollectionConfig jobs) {
    return new FirestoreJobStore(clients.firestore(), jobs.name());
  }

  /** Which job each client's {@code Idempotency-Key} names ({@code POST /api/v2/jobs}). */
  public IdempotencyKeys idempotencyKeys(CollectionConfig keys) {
    return new FirestoreIdempotencyKeys(clients.firestore(), keys.name());
  }

  /** Users' deployments and their versions, for the api. */
  public dev.darkroom.core.port.DeploymentStore deployments(CollectionConfig deployments) {
    return new FirestoreDeploymentStore(clients.firestore(), deployments.name());
  }

  /** Live job documents, for the realtime gateway and the api's job event streams. */
  public JobFeed jobFeed(CollectionConfig jobs) {
    return new FirestoreJobFeed(clients.firestore(), jobs.name());
  }

  /**
   * The engine's live messages of running jobs (the runner writes, the realtime gateway follows),
   * in the collection beside the job documents, {@code <jobs>_live}.
   */
  public dev.darkroom.core.port.JobLiveStream jobLive(CollectionConfig jobs) {
    return new FirestoreJobLiveStream(clients.firestore(), FirestoreJobLiveStream.collectionBeside(jobs.name()));
  }

  public JobQueue jobQueue(TopicConfig jobSubmitted) {
    return new PubSubJobQueue(topic(jobSubmitted));
  }

  public JobEventPublisher jobEvents(TopicConfig jobEvents) {
    return new PubSubJobEventPublisher(topic(jobEvents));
  }

  public NotificationPublisher notifications(TopicConfig notifications) {
    return new PubSubNotificationPublisher(topic(notifications));
  }

  public JobLauncher jobLauncher(GpuJobConfig gpuJob) {
    return new CloudRunJobLauncher(clients.cloudRunJobs(), gpuJob.name());
  }

  /** The GPU job's executions as Cloud Run reports them: the reconciler's check on dispatched jobs. */
  public ExecutionStatus executionStatus(GpuJobConfig gpuJob) {
    return new CloudRunExecutionStatus(clients.cloudRunExecutions(), gpuJob.name());
  }

  /** The GPU job's unfinished executions and their launches, and their cancellation: the reconciler's check on the pool's count. */
  public LaunchedExecutions launchedExecutions(GpuJobConfig gpuJob) {
    return new CloudRunLaunchedExecutions(clients.cloudRunExecutions(), gpuJob.name());
  }

  /** The GPU slots, counted and taken by dispatch and the reconciler; runners renew theirs. */
  public GpuPool gpuPool(GpuPoolConfig pool) {
    return new FirestoreGpuPool(clients.firestore(), pool.slots().name(), pool.cap());
  }

  /**
   * The GPU slots as a task sees them: it renews and gives back the lease dispatch gave it, and
   * never counts or reserves, so it needs no cap.
   */
  public GpuPool gpuSlotLeases(CollectionConfig gpuSlots) {
    return new FirestoreGpuPool(clients.firestore(), gpuSlots.name(), 1);
  }

  /** What the keep-warm policy reads: prompts created lately (jobs) and idle time spent (beside the GPU slots). */
  public dev.darkroom.core.port.WarmSignals warmSignals(CollectionConfig jobs, CollectionConfig gpuSlots) {
    return new FirestoreWarmSignals(clients.firestore(), jobs.name(), gpuSlots.name());
  }

  /** The ledger; its schema is migrated at deploy ({@link LedgerMigrationMain}), never here. */
  public Ledger ledger() {
    return new SqlLedger(database());
  }

  /** The ledger's history of arrivals, from which the reconciler rebuilds the usual traffic hourly. */
  public dev.darkroom.core.port.ArrivalHistory arrivalHistory() {
    return new SqlLedger(database());
  }

  /** Who is calling, for the API and the realtime gateway (see {@link AuthConfig}). */
  public Authenticator authenticator(AuthConfig auth, Clock clock) {
    return auth.required()
        ? Authenticator.required(idTokenVerifier(), apiKeys(auth.apiKeys(), auth.defaultTier(), clock),
            auth.defaultTier())
        : Authenticator.localUser(auth.defaultTier());
  }

  /** Stream tickets ({@code ?ticket=}), shared by the api that issues them and the gateway. */
  public StreamTickets streamTickets(CollectionConfig tickets) {
    return new FirestoreStreamTickets(clients.firestore(), tickets.name());
  }

  /**
   * The account and key behind open sockets and streams, rechecked while they stay open; without
   * authentication there is only the local user, who always stands.
   */
  public CallerStanding callerStanding(AuthConfig auth) {
    if (!auth.required()) {
      return caller -> java.time.Instant.EPOCH;
    }
    return new FirebaseCallerStanding(accountDirectory(), new SqlApiKeyStore(database()));
  }

  /** When an ID token's user signed in (to create keys only after a recent sign-in). */
  public SignInTimes signInTimes() {
    return idToken -> {
      try {
        return new FirebaseSignInTimes(com.google.firebase.auth.FirebaseAuth.getInstance(firebase())).signedInAt(idToken);
      } catch (UncheckedIOException e) {
        throw new AuthFailure(AuthFailure.Reason.UNAVAILABLE, "Firebase Auth cannot be asked: " + e.getMessage(), e);
      }
    };
  }

  /**
   * Users' API keys, hashed under the pepper, in the ledger's database; a call with a key follows its
   * account in Firebase Auth ({@link #accountDirectory()}), whose tier claim it has, else {@code defaultTier}.
   */
  public ApiKeys apiKeys(ApiKeysConfig keys, String defaultTier, Clock clock) {
    return new ApiKeys(new SqlApiKeyStore(database()), accountDirectory(), keys.pepper(), defaultTier, clock,
        keys.acceptKeysWithoutCheck());
  }

  /**
   * Users' accounts in Firebase Auth, read for API keys. Like {@link #idTokenVerifier()}, the
   * Firebase app is made at the first lookup, not here: the local stack without authentication
   * manages keys but never looks an account up.
   */
  public AccountDirectory accountDirectory() {
    return userId -> accounts().find(userId);
  }

  private synchronized FirebaseAccountDirectory accounts() throws AuthFailure {
    if (accounts == null) {
      try {
        accounts = new FirebaseAccountDirectory(com.google.firebase.auth.FirebaseAuth.getInstance(firebase()));
      } catch (UncheckedIOException e) {
        throw new AuthFailure(AuthFailure.Reason.UNAVAILABLE, "Firebase Auth cannot be asked: " + e.getMessage(), e);
      }
    }
    return accounts;
  }

  /** What users have used (GPU-seconds), read from the ledger: for quotas. */
  public Usage usage() {
    return new SqlLedger(database());
  }

  /** Request counters for rate limits, in the ledger's database (shared by every instance). */
  public RateCounter rateCounter() {
    return new SqlRateCounter(database());
  }

  /** Users' webhook endpoints, in the ledger's database, their signing secrets sealed. */
  public WebhookEndpoints webhookEndpoints(WebhooksConfig webhooks) {
    return new SqlWebhookEndpoints(database(), new SecretSealer(webhooks.secretsKey()));
  }

  /** Every notification delivery attempt, in the ledger's database. */
  public DeliveryLog deliveryLog() {
    return new SqlDeliveryLog(database());
  }

  /** Webhooks over HTTP, refusing internal addresses (loopback only where the config allows it). */
  public WebhookSender webhookSender(WebhooksConfig webhooks) {
    return new HttpWebhookSender(webhookUrlPolicy(webhooks));
  }

  /** What webhooks may call: the same policy checks a URL at registration and at each delivery. */
  public OutboundUrlPolicy webhookUrlPolicy(WebhooksConfig webhooks) {
    return new OutboundUrlPolicy(webhooks.allowLoopback(), java.net.InetAddress::getAllByName);
  }

  /** Notifications with targets still to reach and when to try them next, in the ledger's database. */
  public PendingNotifications pendingNotifications() {
    return new SqlPendingNotifications(database());
  }

  /** Users' email opt-ins, in the ledger's database. */
  public EmailRecipients emailRecipients() {
    return new SqlEmailRecipients(database());
  }

  /** SMTP; with no server configured email is off (said once, at INFO), and nobody gets mail. */
  public EmailSender emailSender(SmtpConfig smtp) {
    if (smtp.serverIfSet().isEmpty()) {
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
    return new SmtpEmailSender(smtp.server());
  }

  /** FCM registration tokens of users' devices ({@code devices/{token}}). */
  public DeviceTokens deviceTokens(CollectionConfig devices) {
    return new FirestoreDeviceTokens(clients.firestore(), devices.name());
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
   * Firebase ID tokens of this project, checked with Firebase Auth on every call so that revoked
   * sessions and disabled accounts are refused. Like {@link #pushSender()}, the Firebase app is made
   * at the first token, not here.
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
   * local Auth emulator (whose host the SDK reads itself), with placeholder credentials, which the
   * emulator accepts. Named for this instance, so that it never meets another app of the JVM (the
   * default one included).
   */
  private synchronized com.google.firebase.FirebaseApp firebase() {
    if (firebase == null) {
      try {
        com.google.auth.oauth2.GoogleCredentials credentials = clients.config().firebaseAuthEmulated()
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
  public IntegrationEvents integrationEvents(TopicConfig publicTopic) {
    return new PubSubIntegrationEvents(clients.publisher(publicTopic.id()), clients.projectId());
  }

  /**
   * Event-driven runs' CloudEvents: refusals on the public topic, and the reply topics integrations
   * name (publishing there needs a grant from each topic's owner).
   */
  public dev.darkroom.core.port.RunEvents runEvents(TopicConfig publicTopic) {
    return new PubSubRunEvents(clients::publisher, publicTopic.id(), clients.projectId());
  }

  /**
   * The ledger's database, opened on first use. Not migrated: that is done once per deploy
   * ({@link LedgerMigrationMain}), so no cold start pays for Flyway (bench p3).
   */
  private synchronized javax.sql.DataSource database() {
    if (database == null) {
      throw new IllegalStateException("this deployable is configured without the ledger's database");
    }
    if (dataSource == null) {
      dataSource = SqlLedger.dataSource(database);
    }
    return dataSource;
  }

  /**
   * The outputs bucket, one store per instance. Locally, URLs are signed with the emulator's key
   * and pointed at the Storage emulator; in the cloud the client's own service account signs.
   */
  public synchronized OutputStore outputStore(OutputsConfig config) {
    if (outputs == null) {
      ServiceAccountSigner signer = config.signerKey().map(Adapters::signer).orElse(null);
      outputs = new GcsOutputStore(clients.storage(), config.bucket(), signer,
          clients.config().storageEmulator().orElse(null));
    }
    return outputs;
  }

  /** The node catalog the API validates against, kept beside the outputs. */
  public NodeCatalogStore nodeCatalog(OutputsConfig config) {
    return new GcsNodeCatalogStore(clients.storage(), config.bucket());
  }

  /** Each user's own files (ComfyUI's /userdata and settings), under a prefix of the outputs bucket. */
  public dev.darkroom.core.port.UserFiles userFiles(OutputsConfig config) {
    return new GcsUserFiles(clients.storage(), config.bucket());
  }

  /** The models' states (issue 21's check records them; the API lists them). */
  public dev.darkroom.core.port.ModelStore modelStore(CollectionConfig models) {
    return new FirestoreModelStore(clients.firestore(), models.name());
  }

  /** The model files' bytes, read by generation. */
  public dev.darkroom.core.port.ModelFiles modelFiles(ModelsConfig models) {
    return new GcsModelFiles(clients.storage(), models.bucket());
  }

  /**
   * The models bucket as the API changes it: upload URLs signed like the outputs' (the same key
   * locally, {@code STORAGE_SIGNER_KEY_FILE}; the service account in the cloud), and deletes.
   */
  public dev.darkroom.core.port.ModelBucket modelBucket(ModelsConfig models, OutputsConfig signing, Clock clock) {
    return new GcsModelBucket(clients.storage(), models.bucket(), signing.signerKey().map(Adapters::signer).orElse(null),
        clients.config().storageEmulator().orElse(null), clock);
  }

  /** Writes into the models bucket (the import job's resumable uploads). */
  public dev.darkroom.core.port.ModelFileUploads modelFileUploads(ModelsConfig models) {
    return new GcsModelFileUploads(clients.storage(), models.bucket());
  }

  /** Starts the import job's executions, for the api. */
  public dev.darkroom.core.port.ModelImportLauncher modelImportLauncher(ModelImportsConfig imports) {
    return new CloudRunModelImportLauncher(clients.cloudRunJobs(), imports.jobName());
  }

  /** What an import's URL may be: the outbound policy, loopback only where the config allows it. */
  public OutboundUrlPolicy modelImportUrlPolicy(boolean allowLoopback) {
    return new OutboundUrlPolicy(allowLoopback, java.net.InetAddress::getAllByName);
  }

  /** Downloads from model hubs for the import job, under {@link #modelImportUrlPolicy} on every hop. */
  public dev.darkroom.core.port.ModelDownloads modelDownloads(boolean allowLoopback) {
    return new HttpModelDownloads(new OutboundHttp(modelImportUrlPolicy(allowLoopback)), allowLoopback);
  }

  private PubSubTopic topic(TopicConfig topic) {
    return new PubSubTopic(clients.publisher(topic.id()));
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
