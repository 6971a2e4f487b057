package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.deployment.Deployment;
import dev.darkroom.core.deployment.DeploymentLimits;
import dev.darkroom.core.deployment.DeploymentVersion;
import dev.darkroom.core.deployment.FieldError;
import dev.darkroom.core.deployment.InputSchemas;
import dev.darkroom.core.deployment.InputsJson;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.RequestHash;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.limits.RunTimeLimits;
import dev.darkroom.core.port.DeploymentStore;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.PublishDeployment;
import dev.darkroom.core.usecase.RegisterWebhooks;
import dev.darkroom.core.usecase.RunDeployment;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.JobResources;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v2/deployments}: the caller's deployments (a saved workflow with typed inputs,
 * {@link dev.darkroom.core.deployment}), their immutable versions, the version runs use, runs
 * (ordinary jobs, answered as {@code POST /api/v2/jobs} answers) and each one's OpenAPI contract.
 * Another user's deployment and an archived one answer as no deployment: 404.
 */
public final class DeploymentRoutes implements RouteGroup {
  private final PublishDeployment publish;
  private final RunDeployment run;
  private final DeploymentStore store;
  private final JobStore jobs;
  private final JobResources resources;
  private final Clock clock;
  private final UploadGate gate;
  private RegisterWebhooks webhooks;

  /** With a gate of the default bounds of uploads, its own. */
  public DeploymentRoutes(PublishDeployment publish, RunDeployment run, DeploymentStore store, JobStore jobs,
      JobResources resources, Clock clock) {
    this(publish, run, store, jobs, resources, clock,
        new UploadGate(UploadGate.DEFAULT_PER_USER, UploadGate.DEFAULT_MEMORY_MB));
  }

  /**
   * @param gate the uploads' gate: a run whose body is larger than a control body (an image as
   *     base64) is an upload while it is read and staged
   */
  /**
   * Takes a run's {@code webhook}: an endpoint registered through {@code webhooks} for the run's
   * job alone (without this, a run with a webhook is refused and told to register one).
   */
  public DeploymentRoutes notifyingThrough(RegisterWebhooks webhooks) {
    this.webhooks = webhooks;
    return this;
  }

  public DeploymentRoutes(PublishDeployment publish, RunDeployment run, DeploymentStore store, JobStore jobs,
      JobResources resources, Clock clock, UploadGate gate) {
    this.gate = gate;
    this.publish = publish;
    this.run = run;
    this.store = store;
    this.jobs = jobs;
    this.resources = resources;
    this.clock = clock;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("POST", "/v2/deployments", this::create),
        new Route("GET", "/v2/deployments", this::list),
        new Route("GET", "/v2/deployments/{name}", this::one),
        new Route("DELETE", "/v2/deployments/{name}", this::archive),
        new Route("PUT", "/v2/deployments/{name}/default", this::pin),
        new Route("GET", "/v2/deployments/{name}/versions/{n}", this::version),
        new Route("GET", "/v2/deployments/{name}/openapi.json", this::contract),
        Route.queuingJob("POST", "/v2/deployments/{name}/runs", this::run));
  }

  void create(Call call) throws IOException {
    JsonNode body = parse(RequestBodies.read(call.request(), InputLimits.PROMPT_BODY_BYTES));
    PublishDeployment.Result result = publish.publish(call.user(), body);
    if (result instanceof PublishDeployment.Result.Invalid invalid) {
      badFields(call, invalid.errors(), invalid.nodeErrors());
    } else if (result instanceof PublishDeployment.Result.OverLimit over) {
      Replies.apiError(call.response(), 409, over.message());
    } else {
      var stored = ((PublishDeployment.Result.Published) result).stored();
      ObjectNode reply = resource(stored.deployment());
      reply.set("version", resource(stored.deployment().name(), stored.version()));
      call.response().appendHeader("Location", versionPath(stored.deployment().name(), stored.version().version()));
      Replies.json(call.response(), 201, reply);
    }
  }

  void list(Call call) throws IOException {
    ObjectNode reply = Replies.JSON.createObjectNode();
    ArrayNode array = reply.putArray("deployments");
    store.list(call.user()).forEach(deployment -> array.add(resource(deployment)));
    Replies.json(call.response(), 200, reply);
  }

  void one(Call call) throws IOException {
    Replies.json(call.response(), 200, resource(own(call)));
  }

  /** Archives it: gone from the list, its runs 404. Again: 204 again. Publishing the name revives it. */
  void archive(Call call) throws IOException {
    store.archive(call.user(), call.segment(3), clock.instant()).orElseThrow(() -> noDeployment(call));
    call.response().setStatusCode(204);
  }

  /** {@code {version}}: the version runs use when they name none. */
  void pin(Call call) throws IOException {
    Deployment deployment = own(call);
    JsonNode version = RequestBodies.jsonObject(call.request()).path("version");
    if (!version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() < 1) {
      badFields(call, List.of(new FieldError("version", "required, a version number (1 or more)")), null);
      return;
    }
    Deployment pinned = store.pin(call.user(), deployment.name(), version.intValue(), clock.instant())
        .orElseThrow(() -> new Replies.ApiError(404, "deployment " + deployment.name() + " has no version "
            + version.intValue()));
    Replies.json(call.response(), 200, resource(pinned));
  }

  void version(Call call) throws IOException {
    Deployment deployment = own(call);
    Replies.json(call.response(), 200, resource(deployment.name(), ownVersion(call, deployment, call.segment(5))));
  }

  /** The contract of the version runs use by default ({@code ?version=} for another). */
  void contract(Call call) throws IOException {
    Deployment deployment = own(call);
    String asked = call.query("version");
    DeploymentVersion version = ownVersion(call, deployment,
        asked != null ? asked : Integer.toString(deployment.defaultVersion()));
    call.response().appendHeader("Cache-Control", "private, max-age=60");
    Replies.json(call.response(), 200, DeploymentContract.of(deployment, version));
  }

  /** {@code {inputs, version?, webhook?, max_run_seconds?}}, with an optional {@code Idempotency-Key}. */
  void run(Call call) throws IOException {
    long declared = call.request().getContentLength();
    if (declared >= 0 && declared <= InputLimits.CONTROL_BODY_BYTES) {
      runWithin(call);
      return;
    }
    try (UploadGate.Permit permit = gate.enter(call.user(), declared)) {
      runWithin(call);
    } catch (UploadGate.Busy busy) {
      Replies.refuse(call.response(), busy.refusal);
    }
  }

  private void runWithin(Call call) throws IOException {
    String key = JobSubmissions.idempotencyKey(call);
    byte[] bytes = RequestBodies.read(call.request(), DeploymentLimits.RUN_BODY_BYTES);
    JsonNode body;
    try {
      body = RequestBodies.parseWithFileValues(bytes, "inputs");
    } catch (RequestBodies.Unusable e) {
      throw new Replies.ApiError(e.status(), e.getMessage());
    }
    if (!body.isObject()) {
      throw new Replies.ApiError(400, "the body must be a JSON object");
    }
    List<FieldError> unknown = unknownRunFields(body);
    if (!unknown.isEmpty()) {
      badFields(call, unknown, null);
      return;
    }
    String name = call.segment(3);
    String hash = key == null ? "" : RequestHash.ofRun(name, body);
    String webhook = webhookOf(call, body);
    if (webhook == null && body.has("webhook")) {
      return;
    }
    RunDeployment.Result result = run.run(call.caller(), name, withoutWebhook(body), key, hash);
    if (result instanceof RunDeployment.Result.NoDeployment) {
      throw noDeployment(call);
    } else if (result instanceof RunDeployment.Result.NoVersion none) {
      throw new Replies.ApiError(404, "deployment " + name + " has no version " + none.version());
    } else if (result instanceof RunDeployment.Result.Invalid invalid) {
      badFields(call, invalid.errors(), null);
    } else {
      JobSubmissions.reply(call, ((RunDeployment.Result.Submitted) result).result(), jobs, resources,
          job -> webhook == null ? null : Map.of("webhook", registered(call, webhook, job)));
    }
  }

  /**
   * The run's {@code webhook} URL, checked before anything is submitted; null without one, or
   * (the 400 answered) when it is refused.
   */
  private String webhookOf(Call call, JsonNode body) throws IOException {
    JsonNode webhook = body.get("webhook");
    if (webhook == null) {
      return null;
    }
    if (!webhook.isTextual()) {
      badFields(call, List.of(new FieldError("webhook", "must be an https URL (a string)")), null);
      return null;
    }
    try {
      webhooks.checkUrl(webhook.textValue());
    } catch (RegisterWebhooks.Refused refused) {
      badFields(call, List.of(new FieldError("webhook", refused.getMessage())), null);
      return null;
    }
    return webhook.textValue();
  }

  private static JsonNode withoutWebhook(JsonNode body) {
    if (!body.has("webhook")) {
      return body;
    }
    ObjectNode copy = ((ObjectNode) body).deepCopy();
    copy.remove("webhook");
    return copy;
  }

  /**
   * The endpoint that notifies {@code url} of this job alone ({@code POST /api/v2/webhooks {url,
   * job_id}} would register the same), its secret shown once: a replayed run answers the endpoint
   * it registered, without the secret.
   */
  private ObjectNode registered(Call call, String url, Job job) {
    RegisterWebhooks.Registered registered = webhooks.registerForJob(call.user(), url, job.id());
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("id", registered.endpoint().id());
    node.put("url", registered.endpoint().url());
    if (registered.secret() != null) {
      node.put("secret", registered.secret());
    }
    return node;
  }

  /**
   * A run's body holds {@code inputs}, {@code version}, {@code webhook} and {@code max_run_seconds}; anything else is named
   * rather than ignored (a caller who sent it expected something of it).
   */
  private static final java.util.Set<String> RUN_FIELDS =
      java.util.Set.of("inputs", "version", "webhook", RunTimeLimits.REQUEST_FIELD);

  private List<FieldError> unknownRunFields(JsonNode body) {
    List<FieldError> errors = new java.util.ArrayList<>();
    body.fieldNames().forEachRemaining(field -> {
      if (field.equals("webhook") && webhooks == null) {
        errors.add(new FieldError(field, "not taken here; register an endpoint for the job or for all your jobs "
            + "(POST /api/v2/webhooks {url, job_id?}): a run's job notifies it as any job does"));
      } else if (!RUN_FIELDS.contains(field)) {
        errors.add(new FieldError(InputLimits.shown(field),
            "unknown field; a run takes inputs, version, webhook and max_run_seconds"));
      }
    });
    return errors;
  }

  private Deployment own(Call call) {
    return store.find(call.user(), call.segment(3)).filter(d -> !d.archived())
        .orElseThrow(() -> noDeployment(call));
  }

  private DeploymentVersion ownVersion(Call call, Deployment deployment, String number) {
    int n;
    try {
      n = Integer.parseInt(number);
    } catch (NumberFormatException e) {
      n = 0;
    }
    return (n < 1 ? java.util.Optional.<DeploymentVersion>empty() : store.version(call.user(), deployment.name(), n))
        .orElseThrow(() -> new Replies.ApiError(404, "deployment " + deployment.name() + " has no version "
            + InputLimits.shown(number)));
  }

  private static Replies.ApiError noDeployment(Call call) {
    return new Replies.ApiError(404, "you have no deployment named " + InputLimits.shown(call.segment(3)));
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode node = RequestBodies.parse(body);
      if (!node.isObject()) {
        throw new Replies.ApiError(400, "the body must be a JSON object");
      }
      return node;
    } catch (RequestBodies.Unusable e) {
      throw new Replies.ApiError(400, e.getMessage());
    }
  }

  /** 400 naming every wrong field: {@code {error: {status, message, fields: [{field, message}], node_errors?}}}. */
  private static void badFields(Call call, List<FieldError> errors, ObjectNode nodeErrors) throws IOException {
    ObjectNode reply = Replies.JSON.createObjectNode();
    ObjectNode error = reply.putObject("error").put("status", 400)
        .put("message", String.join("; ", errors.stream().map(FieldError::toString).toList()));
    ArrayNode fields = error.putArray("fields");
    errors.forEach(e -> fields.addObject().put("field", e.field()).put("message", e.message()));
    if (nodeErrors != null && !nodeErrors.isEmpty()) {
      error.set("node_errors", nodeErrors);
    }
    Replies.json(call.response(), 400, reply);
  }

  static String path(String name) {
    return "/api/v2/deployments/" + name;
  }

  private static String versionPath(String name, int version) {
    return path(name) + "/versions/" + version;
  }

  static ObjectNode resource(Deployment deployment) {
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("name", deployment.name());
    node.put("latest_version", deployment.latestVersion());
    node.put("default_version", deployment.defaultVersion());
    if (deployment.pinnedVersion() > 0) {
      node.put("pinned_version", deployment.pinnedVersion());
    } else {
      node.putNull("pinned_version");
    }
    node.put("created_at", deployment.createdAt().toString());
    node.put("updated_at", deployment.updatedAt().toString());
    ArrayNode versions = node.putArray("versions");
    for (int v = 1; v <= deployment.latestVersion(); v++) {
      versions.addObject().put("version", v).put("url", versionPath(deployment.name(), v));
    }
    node.putObject("urls").put("runs", path(deployment.name()) + "/runs")
        .put("openapi", path(deployment.name()) + "/openapi.json");
    return node;
  }

  static ObjectNode resource(String name, DeploymentVersion version) {
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("name", name);
    node.put("version", version.version());
    node.put("created_at", version.createdAt().toString());
    node.set("inputs", InputsJson.write(version.inputs()));
    node.set("input_schema", InputSchemas.of(version));
    node.set("workflow", version.workflow());
    if (version.maxRunSeconds() == null) {
      node.putNull(RunTimeLimits.REQUEST_FIELD);
    } else {
      node.put(RunTimeLimits.REQUEST_FIELD, version.maxRunSeconds());
    }
    return node;
  }
}
