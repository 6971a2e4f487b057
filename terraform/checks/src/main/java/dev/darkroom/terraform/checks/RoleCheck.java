package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Each deployable's service account has exactly the roles its code needs. What the code uses is
 * derived from its sources ({@link CodeReads}: which ports of {@code Adapters} it reaches, whether it
 * signs URLs); {@link #PORTS} says what each port needs; Terraform says which resource each port is
 * pointed at (the value of the variable the port reads). Infrastructure adds its own needs: a secret
 * given as an environment variable, a bucket mounted as a volume, an Eventarc trigger's identity.
 */
public final class RoleCheck {
  private RoleCheck() {}

  /** Where a role is granted: the project, the resource the port's variable names, or another. */
  enum On { PROJECT, PORT_TARGET, SELF, PORT_TARGET_SERVICE_ACCOUNT }

  record Need(String role, On on) {}

  /** The port (a method of shared/gcp Adapters) to what its calls need. */
  static final Map<String, List<Need>> PORTS = Map.ofEntries(
      Map.entry("Adapters.jobStore", List.of(new Need("roles/datastore.user", On.PROJECT))),
      Map.entry("Adapters.jobFeed", List.of(new Need("roles/datastore.user", On.PROJECT))),
      Map.entry("Adapters.jobQueue", List.of(new Need("roles/pubsub.publisher", On.PORT_TARGET))),
      Map.entry("Adapters.jobEvents", List.of(new Need("roles/pubsub.publisher", On.PORT_TARGET))),
      Map.entry("Adapters.notifications", List.of(new Need("roles/pubsub.publisher", On.PORT_TARGET))),
      Map.entry("Adapters.jobLauncher", List.of(new Need("roles/run.developer", On.PORT_TARGET),
          new Need("roles/iam.serviceAccountUser", On.PORT_TARGET_SERVICE_ACCOUNT))),
      // Executions.get on the GPU job's executions (run.executions.get).
      Map.entry("Adapters.executionStatus", List.of(new Need("roles/run.viewer", On.PORT_TARGET))),
      Map.entry("Adapters.ledger", List.of(new Need("roles/cloudsql.client", On.PROJECT))),
      Map.entry("Adapters.outputStore", List.of(new Need("roles/storage.objectUser", On.PORT_TARGET))),
      Map.entry("Adapters.nodeCatalog", List.of(new Need("roles/storage.objectUser", On.PORT_TARGET))),
      Map.entry("Adapters.webhookEndpoints", List.of(new Need("roles/cloudsql.client", On.PROJECT))),
      Map.entry("Adapters.deliveryLog", List.of(new Need("roles/cloudsql.client", On.PROJECT))),
      Map.entry("Adapters.pendingNotifications", List.of(new Need("roles/cloudsql.client", On.PROJECT))),
      Map.entry("Adapters.emailRecipients", List.of(new Need("roles/cloudsql.client", On.PROJECT))),
      Map.entry("Adapters.apiKeys", List.of(new Need("roles/cloudsql.client", On.PROJECT))),
      Map.entry("Adapters.usage", List.of(new Need("roles/cloudsql.client", On.PROJECT))),
      Map.entry("Adapters.rateCounter", List.of(new Need("roles/cloudsql.client", On.PROJECT))),
      Map.entry("Adapters.deviceTokens", List.of(new Need("roles/datastore.user", On.PROJECT))),
      // FCM HTTP v1 send (cloudmessaging.messages.create).
      Map.entry("Adapters.pushSender", List.of(new Need("roles/firebasecloudmessaging.admin", On.PROJECT))),
      // verifyIdToken(token, checkRevoked = true) looks the user up (firebaseauth.users.get).
      Map.entry("Adapters.idTokenVerifier", List.of(new Need("roles/firebaseauth.viewer", On.PROJECT))),
      Map.entry("Adapters.integrationEvents", List.of(new Need("roles/pubsub.publisher", On.PORT_TARGET))));

  /** A method the code invokes (on any port) to what it needs. */
  static final Map<String, Need> CALLS = Map.of(
      "signedReadUrl", new Need("roles/iam.serviceAccountTokenCreator", On.SELF));

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
        report.note(d.name() + ": skipped, " + d.moduleDir() + " does not exist yet; the grants to its"
            + " service account are checked as soon as the module lands");
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
          String target = switch (need.on()) {
            case PROJECT -> "project";
            case SELF -> sa;
            case PORT_TARGET -> portTarget(code, port.getKey(), env).orElse(null);
            case PORT_TARGET_SERVICE_ACCOUNT -> portTarget(code, port.getKey(), env)
                .flatMap(t -> serviceAccountOf(tf, t)).orElse(null);
          };
          if (target == null) {
            report.fail(d.name() + ": cannot tell which resource " + port.getKey() + " uses: the variable it reads"
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

  /** The Terraform resource the port's variable points at, on this deployable. */
  private static Optional<String> portTarget(CodeReads.Result code, String port, Map<String, String> env) {
    for (String variable : code.readsIn().getOrDefault(port, Set.of())) {
      if (env.containsKey(variable)) {
        return Terraform.firstReference(env.get(variable));
      }
    }
    return Optional.empty();
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
