package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.common.base.Suppliers;
import dev.darkroom.core.deployment.Deployment;
import dev.darkroom.core.deployment.DeploymentVersion;
import dev.darkroom.core.deployment.InputSchemas;
import dev.darkroom.functions.api.http.Replies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/v2/deployments/{name}/openapi.json}: an OpenAPI 3.1 document of one deployment,
 * for generating a typed client: its run request with the JSON Schema of the version's inputs
 * ({@code Inputs}) and of what a run produces ({@code Outputs}), and
 * the job resource a run answers with (and {@code GET /v2/jobs/{id}} shows), taken from the api's
 * own document so the two cannot disagree.
 */
final class DeploymentContract {
  /** The api's document, read once; schemas and security schemes are copied out of it. */
  private static final Supplier<JsonNode> API = Suppliers.memoize(() -> {
    try (InputStream in = DeploymentContract.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
      return new YAMLMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("openapi.yaml is not YAML", e);
    }
  });

  private DeploymentContract() {}

  static ObjectNode of(Deployment deployment, DeploymentVersion version) {
    String name = deployment.name();
    ObjectNode doc = Replies.JSON.createObjectNode();
    doc.put("openapi", "3.1.0");
    doc.putObject("info").put("title", "Darkroom deployment " + name)
        .put("version", Integer.toString(version.version()))
        .put("description", "Runs of deployment " + name + " (version " + version.version() + "). A run is a job: "
            + "follow it at /v2/jobs/{id}, its events at /v2/jobs/{id}/events, or by webhook.");
    doc.putArray("servers").addObject().put("url", "/api");
    doc.set("security", API.get().path("security").deepCopy());
    ObjectNode paths = doc.putObject("paths");
    ObjectNode runs = paths.putObject("/v2/deployments/" + name + "/runs").putObject("post");
    runs.put("operationId", "run").put("summary", "Run " + name + " with these inputs; answers the job it queued.");
    ArrayNode parameters = runs.putArray("parameters");
    parameters.addObject().put("name", "Idempotency-Key").put("in", "header").put("required", false)
        .putObject("schema").put("type", "string").put("minLength", 1).put("maxLength", JobSubmissions.MAX_IDEMPOTENCY_KEY_CHARS);
    runs.putObject("requestBody").put("required", true).putObject("content").putObject("application/json")
        .putObject("schema").put("$ref", "#/components/schemas/RunRequest");
    ObjectNode responses = runs.putObject("responses");
    responses.set("201", jobResponse("Queued: the job."));
    responses.set("200", jobResponse("A replay of an earlier request with this Idempotency-Key: its job."));
    responses.set("400", errorResponse("Inputs that do not fit the schema: every wrong field is named."));
    responses.set("404", errorResponse("No such deployment or version of yours."));
    responses.set("409", errorResponse("The Idempotency-Key was used with another request."));
    ObjectNode job = paths.putObject("/v2/jobs/{id}").putObject("get");
    job.put("operationId", "getJob").put("summary", "The job a run queued.");
    job.putArray("parameters").addObject().put("name", "id").put("in", "path").put("required", true)
        .putObject("schema").put("type", "string");
    job.putObject("responses").set("200", jobResponse("The job."));
    ((ObjectNode) job.get("responses")).set("404", errorResponse("No such job of yours."));

    ObjectNode components = doc.putObject("components");
    components.set("securitySchemes", API.get().path("components").path("securitySchemes").deepCopy());
    ObjectNode schemas = components.putObject("schemas");
    schemas.set("Inputs", InputSchemas.of(version));
    ObjectNode request = schemas.putObject("RunRequest");
    request.put("type", "object").put("additionalProperties", false);
    request.putArray("required").add("inputs");
    ObjectNode properties = request.putObject("properties");
    properties.putObject("inputs").put("$ref", "#/components/schemas/Inputs");
    properties.putObject("version").put("type", "integer").put("minimum", 1).put("maximum", deployment.latestVersion())
        .put("description", "The version to run; the deployment's default (now " + deployment.defaultVersion()
            + ") when omitted. Other versions may take other inputs.");
    properties.putObject("webhook").put("type", "string").put("format", "uri")
        .put("description", "An https URL notified of this run's job alone; answered as webhook {id, url, secret}"
            + " beside the job, the secret shown once.");
    properties.putObject("max_run_seconds").put("type", "integer").put("minimum", 1)
        .put("description", "The most seconds the run's prompt may run before it is interrupted and its job ends "
            + "timed_out; capped by your tier's maximum" + (version.maxRunSeconds() == null ? ""
            : " and this version's (" + version.maxRunSeconds() + " s)") + ". The job shows the limit it got.");
    schemas.set("Outputs", outputs(version));
    copyWithReferences(schemas, "Job");
    copyWithReferences(schemas, "ApiError");
    return doc;
  }

  /**
   * The job's {@code outputs} once it has succeeded, and which nodes of this version make them:
   * the workflow's sinks (nodes no other node reads from), where ComfyUI's output nodes sit.
   */
  private static ObjectNode outputs(DeploymentVersion version) {
    java.util.Set<String> read = new java.util.HashSet<>();
    version.workflow().forEach(node -> node.path("inputs").forEach(value -> {
      if (value.isArray() && value.size() == 2 && value.get(0).isTextual()) {
        read.add(value.get(0).textValue());
      }
    }));
    ObjectNode schema = Replies.JSON.createObjectNode();
    schema.put("type", "array");
    schema.putObject("items").put("$ref", "#/components/schemas/Output");
    ArrayNode nodes = Replies.JSON.createArrayNode();
    version.workflow().fields().forEachRemaining(node -> {
      if (!read.contains(node.getKey())) {
        nodes.addObject().put("node_id", node.getKey()).put("class_type", node.getValue().path("class_type").asText());
      }
    });
    schema.put("description", "What a run produces: the job's outputs once it has succeeded (GET /v2/jobs/{id}), "
        + "each a file with a signed URL. This version's workflow ends at node(s) "
        + String.join(", ", nodes.findValuesAsText("node_id")) + ".");
    schema.set("x-darkroom-output-nodes", nodes);
    return schema;
  }

  private static ObjectNode jobResponse(String description) {
    ObjectNode response = Replies.JSON.createObjectNode().put("description", description);
    response.putObject("content").putObject("application/json").putObject("schema")
        .put("$ref", "#/components/schemas/Job");
    return response;
  }

  private static ObjectNode errorResponse(String description) {
    ObjectNode response = Replies.JSON.createObjectNode().put("description", description);
    response.putObject("content").putObject("application/json").putObject("schema")
        .put("$ref", "#/components/schemas/ApiError");
    return response;
  }

  /** Copies the api's schema {@code name} and every schema it refers to, however deep. */
  private static void copyWithReferences(ObjectNode schemas, String name) {
    JsonNode all = API.get().path("components").path("schemas");
    Deque<String> pending = new ArrayDeque<>();
    pending.add(name);
    while (!pending.isEmpty()) {
      String next = pending.pop();
      if (schemas.has(next)) {
        continue;
      }
      JsonNode schema = all.get(next);
      if (schema == null) {
        throw new IllegalStateException("openapi.yaml has no schema " + next);
      }
      schemas.set(next, schema.deepCopy());
      collectReferences(schema, pending);
    }
  }

  private static void collectReferences(JsonNode node, Deque<String> into) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getKey().equals("$ref") && field.getValue().isTextual()
            && field.getValue().textValue().startsWith("#/components/schemas/")) {
          into.add(field.getValue().textValue().substring("#/components/schemas/".length()));
        } else {
          collectReferences(field.getValue(), into);
        }
      }
    } else if (node.isArray()) {
      node.forEach(item -> collectReferences(item, into));
    }
  }
}
