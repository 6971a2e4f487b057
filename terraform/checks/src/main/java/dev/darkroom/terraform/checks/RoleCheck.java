package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Each deployable's service account has exactly the roles its code needs. Which ports a deployable
 * uses is derived from its sources ({@link CodeReads}: which port methods of {@code Adapters} its
 * wiring reaches, whether it signs URLs); {@link #PORTS} says what each port needs and, for a role on
 * a resource, which variable names that resource; Terraform says what that variable is set to on the
 * deployable. Infrastructure adds its own needs: a secret given as an environment variable, a bucket
 * mounted as a volume, an Eventarc trigger's identity.
 */
public final class RoleCheck {
  private RoleCheck() {}

  /** Where a role is granted: the project, the resource a variable names, its service account, or oneself. */
  enum On { PROJECT, PORT_TARGET, SELF, PORT_TARGET_SERVICE_ACCOUNT }

  /** @param variable for {@link On#PORT_TARGET} and {@link On#PORT_TARGET_SERVICE_ACCOUNT}: the variable naming the resource */
  record Need(String role, On on, String variable) {
    static Need onProject(String role) {
      return new Need(role, On.PROJECT, null);
    }

    static Need on(String role, String variable) {
      return new Need(role, On.PORT_TARGET, variable);
    }

    static Need onServiceAccountOf(String role, String variable) {
      return new Need(role, On.PORT_TARGET_SERVICE_ACCOUNT, variable);
    }
  }

  private static final String DATASTORE = "roles/datastore.user";
  private static final String CLOUD_SQL = "roles/cloudsql.client";
  private static final String PUBLISHER = "roles/pubsub.publisher";
  private static final String OBJECT_USER = "roles/storage.objectUser";

  /** The port (a method of shared/gcp Adapters) to what its calls need. */
  static final Map<String, List<Need>> PORTS = Map.ofEntries(
      Map.entry("Adapters.jobStore", List.of(Need.onProject(DATASTORE))),
      Map.entry("Adapters.jobFeed", List.of(Need.onProject(DATASTORE))),
      Map.entry("Adapters.jobLive", List.of(Need.onProject(DATASTORE))),
      Map.entry("Adapters.idempotencyKeys", List.of(Need.onProject(DATASTORE))),
      Map.entry("Adapters.deployments", List.of(Need.onProject(DATASTORE))),
      Map.entry("Adapters.gpuPool", List.of(Need.onProject(DATASTORE))),
      Map.entry("Adapters.gpuSlotLeases", List.of(Need.onProject(DATASTORE))),
      Map.entry("Adapters.warmSignals", List.of(Need.onProject(DATASTORE))),
      Map.entry("Adapters.jobQueue", List.of(Need.on(PUBLISHER, "JOB_SUBMITTED_TOPIC"))),
      Map.entry("Adapters.jobEvents", List.of(Need.on(PUBLISHER, "JOB_EVENTS_TOPIC"))),
      Map.entry("Adapters.notifications", List.of(Need.on(PUBLISHER, "NOTIFICATIONS_TOPIC"))),
      Map.entry("Adapters.jobLauncher", List.of(Need.on("roles/run.developer", "GPU_JOB_NAME"),
          Need.onServiceAccountOf("roles/iam.serviceAccountUser", "GPU_JOB_NAME"))),
      // Executions.get on the GPU job's executions (run.executions.get).
      Map.entry("Adapters.executionStatus", List.of(Need.on("roles/run.viewer", "GPU_JOB_NAME"))),
      // Executions.list and Executions.cancel (run.executions.cancel) on the GPU job's executions.
      Map.entry("Adapters.launchedExecutions", List.of(Need.on("roles/run.developer", "GPU_JOB_NAME"))),
      Map.entry("Adapters.ledger", List.of(Need.onProject(CLOUD_SQL))),
      Map.entry("Adapters.arrivalHistory", List.of(Need.onProject(CLOUD_SQL))),
      Map.entry("Adapters.outputStore", List.of(Need.on(OBJECT_USER, "OUTPUTS_BUCKET"))),
      Map.entry("Adapters.nodeCatalog", List.of(Need.on(OBJECT_USER, "OUTPUTS_BUCKET"))),
      // Each user's files (/userdata, /settings) under userdata/ of the outputs bucket: list, read, write, delete.
      Map.entry("Adapters.userFiles", List.of(Need.on(OBJECT_USER, "OUTPUTS_BUCKET"))),
      Map.entry("Adapters.modelStore", List.of(Need.onProject(DATASTORE))),
      // Reads only (ranged reads and a streamed hash of each model file).
      Map.entry("Adapters.modelFiles", List.of(Need.on("roles/storage.objectViewer", "MODELS_BUCKET"))),
      // Signed resumable uploads (run as the signer: objects.create) and deletes, signed through signBlob.
      Map.entry("Adapters.modelBucket", List.of(Need.on(OBJECT_USER, "MODELS_BUCKET"))),
      // Resumable uploads that may replace an object of the same name (create and delete).
      Map.entry("Adapters.modelFileUploads", List.of(Need.on(OBJECT_USER, "MODELS_BUCKET"))),
      Map.entry("Adapters.modelImportLauncher", List.of(Need.on("roles/run.developer", "MODEL_IMPORT_JOB_NAME"),
          Need.onServiceAccountOf("roles/iam.serviceAccountUser", "MODEL_IMPORT_JOB_NAME"))),
      Map.entry("Adapters.webhookEndpoints", List.of(Need.onProject(CLOUD_SQL))),
      Map.entry("Adapters.deliveryLog", List.of(Need.onProject(CLOUD_SQL))),
      Map.entry("Adapters.pendingNotifications", List.of(Need.onProject(CLOUD_SQL))),
      Map.entry("Adapters.emailRecipients", List.of(Need.onProject(CLOUD_SQL))),
      Map.entry("Adapters.apiKeys", List.of(Need.onProject(CLOUD_SQL))),
      Map.entry("Adapters.usage", List.of(Need.onProject(CLOUD_SQL))),
      Map.entry("Adapters.rateCounter", List.of(Need.onProject(CLOUD_SQL))),
      Map.entry("Adapters.deviceTokens", List.of(Need.onProject(DATASTORE))),
      // FCM HTTP v1 send (cloudmessaging.messages.create).
      Map.entry("Adapters.pushSender", List.of(Need.onProject("roles/firebasecloudmessaging.admin"))),
      // verifyIdToken(token, checkRevoked = true) looks the user up (firebaseauth.users.get).
      Map.entry("Adapters.idTokenVerifier", List.of(Need.onProject("roles/firebaseauth.viewer"))),
      // Stream tickets: Firestore documents, created and deleted.
      Map.entry("Adapters.streamTickets", List.of(Need.onProject(DATASTORE))),
      // The user's record (firebaseauth.users.get) and, for a key, its row in the ledger's database.
      Map.entry("Adapters.callerStanding", List.of(Need.onProject("roles/firebaseauth.viewer"),
          Need.onProject(CLOUD_SQL))),
      // An API key's account, looked up with getUser (firebaseauth.users.get).
      Map.entry("Adapters.accountDirectory", List.of(Need.onProject("roles/firebaseauth.viewer"))),
      Map.entry("Adapters.integrationEvents", List.of(Need.on(PUBLISHER, "JOB_EVENTS_PUBLIC_TOPIC"))),
      // Refused run messages on the public topic; reply topics are the integrations' own, granted by them.
      Map.entry("Adapters.runEvents", List.of(Need.on(PUBLISHER, "JOB_EVENTS_PUBLIC_TOPIC"))));

  /**
   * The public methods of {@code Adapters} that need no role of their own, each with the reason;
   * every other public method must be in {@link #PORTS} (a test compares both with the class).
   */
  static final Map<String, String> NO_ROLE = Map.of(
      "Adapters.clients", "the clients themselves: each port says what its calls need",
      "Adapters.authenticator", "made of idTokenVerifier and apiKeys, which are listed",
      "Adapters.webhookSender", "HTTP to users' endpoints, no Google API",
      "Adapters.webhookUrlPolicy", "DNS lookups only",
      "Adapters.modelImportUrlPolicy", "DNS lookups only",
      "Adapters.modelDownloads", "HTTP to model hubs, no Google API",
      "Adapters.emailSender", "SMTP, no Google API",
      "Adapters.signInTimes", "verifyIdToken without the revocation check: Google's public keys, no Firebase Auth call",
      "Adapters.close", "releases what the ports opened");

  /** A method the code invokes (on any port) to what it needs. */
  static final Map<String, Need> CALLS = Map.of(
      "signedReadUrl", new Need("roles/iam.serviceAccountTokenCreator", On.SELF, null),
      "signResumableUpload", new Need("roles/iam.serviceAccountTokenCreator", On.SELF, null));

  static final String SECRET_ACCESSOR = "roles/secretmanager.secretAccessor";
  static final String VOLUME_READER = "roles/storage.objectViewer";
  static final String EVENT_RECEIVER = "roles/eventarc.eventReceiver";
  static final String INVOKER = "roles/run.invoker";

  /** IAM member resources and the attribute naming what they grant on (none: the project). */
  static final Map<String, String> BINDING_TARGET = Map.of(
      "google_project_iam_member", "",
      "google_pubsub_topic_iam_member", "topic",
      "google_pubsub_subscription_iam_member", "subscription",
      "google_storage_bucket_iam_member", "bucket",
      "google_secret_manager_secret_iam_member", "secret_id",
      "google_service_account_iam_member", "service_account_id",
      "google_cloud_run_v2_job_iam_member", "name",
      "google_cloud_run_v2_service_iam_member", "name");

  record Binding(String role, String target) {
    @Override
    public String toString() {
      return role + " on " + target;
    }
  }

  public static Report run(Path repoRoot, JsonNode module) {
    Terraform tf = new Terraform(module);
    Report report = new Report();
    Map<String, List<Binding>> granted = grantedBySa(tf);

    for (Deployable d : Deployable.ALL) {
      Optional<ObjectNode> resource = tf.resource(d.resourceType(), d.resourceName());
      if (resource.isEmpty()) {
        report.fail(d.name() + ": Terraform declares no " + d.address());
        continue;
      }
      if (!d.exists(repoRoot)) {
        report.fail(d.missingModule());
        continue;
      }
      String sa = Terraform.firstReference(TerraformEnv.serviceAccount(resource.get(), d.resourceType())).orElse(null);
      if (sa == null || !sa.startsWith("google_service_account.")) {
        report.fail(d.name() + ": " + d.address() + " runs as no service account of its own");
        continue;
      }
      CodeReads.Result code = d.scan(repoRoot);
      Map<Binding, String> needed = new LinkedHashMap<>();
      Map<String, String> env = TerraformEnv.all(resource.get(), d.resourceType());
      for (Map.Entry<String, List<Need>> port : new TreeMap<>(PORTS).entrySet()) {
        if (!code.reached().contains(port.getKey())) {
          continue;
        }
        for (Need need : port.getValue()) {
          if (need.variable() != null && !code.reads().containsKey(need.variable())) {
            report.fail(d.name() + ": " + port.getKey() + " is used, but nothing " + d.name() + " runs reads "
                + need.variable() + ", the variable RoleCheck.PORTS says names its resource");
            continue;
          }
          String target = switch (need.on()) {
            case PROJECT -> "project";
            case SELF -> sa;
            case PORT_TARGET -> portTarget(need.variable(), env).orElse(null);
            case PORT_TARGET_SERVICE_ACCOUNT -> portTarget(need.variable(), env)
                .flatMap(t -> serviceAccountOf(tf, t)).orElse(null);
          };
          if (target == null) {
            report.fail(d.name() + ": cannot tell which resource " + port.getKey() + " uses: " + need.variable()
                + " is not set to a Terraform resource on " + d.address());
            continue;
          }
          needed.putIfAbsent(new Binding(need.role(), target), port.getKey());
        }
      }
      for (Map.Entry<String, Need> call : CALLS.entrySet()) {
        if (code.invoked().contains(call.getKey())) {
          needed.putIfAbsent(new Binding(call.getValue().role(), sa), call.getKey() + "()");
        }
      }
      TerraformEnv.secrets(resource.get(), d.resourceType()).forEach((name, secret) ->
          Terraform.firstReference(secret).ifPresent(s -> needed.putIfAbsent(new Binding(SECRET_ACCESSOR, s), "secret env " + name)));
      if (d.resourceType().equals(Deployable.RUN_JOB)) {
        for (JsonNode volume : Terraform.at(resource.get(), "template", "template").path("volumes")) {
          Terraform.firstReference(Terraform.at(volume, "gcs", "bucket").asText())
              .ifPresent(b -> needed.putIfAbsent(new Binding(VOLUME_READER, b), "volume " + volume.path("name").asText()));
        }
      }
      compare(report, d.name(), sa, needed, granted.getOrDefault(sa, List.of()));
    }

    // Eventarc triggers: their identity may receive events and invoke the function, nothing more.
    Map<String, Map<Binding, String>> triggerNeeds = new TreeMap<>();
    tf.resources(Deployable.FUNCTION).forEach((name, fn) -> {
      JsonNode trigger = Terraform.at(fn, "event_trigger");
      if (trigger.isMissingNode()) {
        return;
      }
      Terraform.firstReference(trigger.path("service_account_email").asText()).ifPresentOrElse(sa -> {
        Map<Binding, String> needs = triggerNeeds.computeIfAbsent(sa, k -> new LinkedHashMap<>());
        needs.putIfAbsent(new Binding(EVENT_RECEIVER, "project"), "Eventarc trigger");
        needs.putIfAbsent(new Binding(INVOKER, Deployable.FUNCTION + "." + name), "trigger of " + name);
      }, () -> report.fail("function " + name + ": its event trigger has no service account of its own"));
    });
    triggerNeeds.forEach((sa, needs) -> compare(report, "event triggers", sa, needs, granted.getOrDefault(sa, List.of())));
    return report;
  }

  private static void compare(Report report, String who, String sa, Map<Binding, String> needed, List<Binding> granted) {
    for (Map.Entry<Binding, String> need : needed.entrySet()) {
      if (!granted.contains(need.getKey())) {
        report.fail(who + ": service account " + sa + " lacks " + need.getKey() + " (needed by " + need.getValue() + ")");
      }
    }
    for (Binding b : granted) {
      if (!needed.containsKey(b)) {
        report.fail(who + ": service account " + sa + " has " + b + ", which nothing it runs needs");
      }
    }
  }

  /** The Terraform resource {@code variable} points at, on this deployable. */
  private static Optional<String> portTarget(String variable, Map<String, String> env) {
    return env.containsKey(variable) ? Terraform.firstReference(env.get(variable)) : Optional.empty();
  }

  /** The service account a Cloud Run job runs as (for actAs when launching it). */
  private static Optional<String> serviceAccountOf(Terraform tf, String address) {
    String[] parts = address.split("\\.");
    return tf.resource(parts[0], parts[1])
        .flatMap(r -> Terraform.firstReference(TerraformEnv.serviceAccount(r, parts[0])));
  }

  /** Every grant in the module to one of its service accounts, by account. */
  static Map<String, List<Binding>> grantedBySa(Terraform tf) {
    Map<String, List<Binding>> bySa = new TreeMap<>();
    BINDING_TARGET.forEach((type, field) -> tf.resources(type).forEach((name, r) -> {
      Optional<String> sa = Terraform.references(r.path("member").asText()).stream()
          .filter(a -> a.startsWith("google_service_account.")).findFirst();
      if (sa.isEmpty()) {
        return;
      }
      String target = field.isEmpty() ? "project"
          : Terraform.firstReference(r.path(field).asText()).orElse(r.path(field).asText());
      bySa.computeIfAbsent(sa.get(), k -> new ArrayList<>()).add(new Binding(r.path("role").asText(), target));
    }));
    return bySa;
  }
}
