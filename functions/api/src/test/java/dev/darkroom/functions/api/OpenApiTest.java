package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.routes.OpenApiDocument;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.RecordingJobQueue;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code openapi.yaml} is valid OpenAPI 3.1, documents exactly the routes {@link ComfyApi}
 * serves, is served without a credential, and the v2 routes' real answers match its schemas.
 */
class OpenApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private String user = "alice";
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), new InMemoryOutputStore(),
      new InMemoryLedger(), null, request -> {
        if (user == null) {
          throw new dev.darkroom.core.auth.AuthFailure(dev.darkroom.core.auth.AuthFailure.Reason.MISSING, "no credential");
        }
        return Caller.idToken(user, Job.DEFAULT_TIER);
      });

  private static String yaml() throws Exception {
    try (InputStream in = OpenApiTest.class.getResourceAsStream(OpenApiDocument.RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode document() throws Exception {
    return new YAMLMapper().readTree(yaml());
  }

  @Test
  void theDocumentIsOpenApi31WithNoParserMessages() throws Exception {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(yaml(), null, options);
    assertThat(result.getMessages()).isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).startsWith("3.1.");
    assertThat(result.getOpenAPI().getComponents().getSecuritySchemes())
        .containsKeys("idToken", "apiKeyBearer", "apiKeyHeader");
  }

  /** Route paths as templates: a prefix route {@code /history/} is {@code /history/{}}, names dropped. */
  private static String shape(String path) {
    String template = path.endsWith("/") ? path + "{}" : path;
    return template.replaceAll("\\{[^}]*}", "{}");
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() throws Exception {
    Set<String> routes = new TreeSet<>();
    for (Route route : api.routes()) {
      routes.add(route.method() + " " + shape(route.path()));
    }
    Set<String> documented = new TreeSet<>();
    Iterator<Map.Entry<String, JsonNode>> paths = document().get("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue().fields().forEachRemaining(operation -> {
        boolean elsewhere = operation.getValue().has("x-darkroom-served-by");
        if (METHODS.contains(operation.getKey()) && !elsewhere) {
          documented.add(operation.getKey().toUpperCase(java.util.Locale.ROOT) + " " + shape(path.getKey()));
        }
      });
    }
    assertThat(documented).as("documented operations (left) against the routing table").isEqualTo(routes);
  }

  @Test
  void theDocumentIsServedAsYamlAndJsonWithoutACredential() throws Exception {
    user = null;
    FakeHttp.Response yaml = call("GET", "/api/v2/openapi.yaml", null);
    assertThat(yaml.status).isEqualTo(200);
    assertThat(yaml.contentType).startsWith("application/yaml");
    assertThat(yaml.text()).isEqualTo(yaml());
    FakeHttp.Response json = call("GET", "/v2/openapi.json", null);
    assertThat(json.status).isEqualTo(200);
    assertThat(JSON.readTree(json.text())).isEqualTo(document());
    assertThat(call("GET", "/api/v2/jobs", null).status).as("other routes still need one").isEqualTo(401);
  }

  @Test
  void theV2RoutesAnswersMatchTheirDocumentedSchemas() throws Exception {
    String prompt = "{\"prompt\":" + JobRoutesTest.PROMPT + ",\"client_id\":\"c1\"}";
    FakeHttp.Response created = call("POST", "/api/v2/jobs", prompt, "Idempotency-Key", "k1");
    assertMatches(created, "/v2/jobs", "post", 201);
    String id = JSON.readTree(created.text()).get("id").asText();
    assertMatches(call("POST", "/api/v2/jobs", prompt, "Idempotency-Key", "k1"), "/v2/jobs", "post", 200);
    assertMatches(call("POST", "/api/v2/jobs", "{\"prompt\":{}}", "Idempotency-Key", "k1"), "/v2/jobs", "post", 409);
    assertMatches(call("POST", "/api/v2/jobs", "{}"), "/v2/jobs", "post", 400);
    assertMatches(call("POST", "/api/v2/jobs", prompt, "Idempotency-Key", "\u00e9"), "/v2/jobs", "post", 400);

    String finished = JSON.readTree(call("POST", "/api/v2/jobs", prompt).text()).get("id").asText();
    JobOutput png = new JobOutput("9", "images", "x.png", "", "output", "outputs/alice/" + finished + "/x.png",
        "image/png", 10, "abc");
    JobOutput text = JobOutput.text("7", "text", "t.txt", "outputs/alice/" + finished + "/t.txt", 2, "def", "hi");
    jobs.update(finished, current -> Outcome.write(current.orElseThrow().afterEvent(JobStatus.FAILED, 2,
        new Progress("3", 2, 20), List.of(png, text), new JobError("E", "broke", null), 1, Instant.now()), null));
    assertMatches(call("GET", "/api/v2/jobs/" + finished, null), "/v2/jobs/{id}", "get", 200);
    assertMatches(call("GET", "/api/v2/jobs/" + UUID.randomUUID(), null), "/v2/jobs/{id}", "get", 404);
    assertMatches(call("GET", "/api/v2/jobs?limit=1", null), "/v2/jobs", "get", 200);
    assertMatches(call("GET", "/api/v2/jobs?limit=1000", null), "/v2/jobs", "get", 400);
    assertMatches(call("POST", "/api/v2/jobs/" + id + "/cancel", null), "/v2/jobs/{id}/cancel", "post", 202);
    assertMatches(call("POST", "/api/v2/jobs/" + finished + "/cancel", null), "/v2/jobs/{id}/cancel", "post", 409);
    assertMatches(call("GET", "/api/v2/keys", null), "/v2/keys", "get", 200);
    assertMatches(call("DELETE", "/api/v2/keys/nosuchkey000", null), "/v2/keys/{id}", "delete", 404);
  }

  private FakeHttp.Response call(String method, String path, String body, String... headers) throws Exception {
    return FakeHttp.send(api, method, path, body, headers);
  }

  /** The answer has the documented status, and its JSON body the documented schema (with every $ref resolved). */
  private void assertMatches(FakeHttp.Response response, String path, String method, int status) throws Exception {
    assertThat(response.status).as(response.text()).isEqualTo(status);
    JsonNode doc = document();
    JsonNode answer = doc.at("/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method + "/responses/" + status);
    assertThat(answer.isMissingNode()).as(method + " " + path + " documents " + status).isFalse();
    if (answer.has("$ref")) {
      answer = doc.at(answer.get("$ref").asText().substring(1));
    }
    JsonNode schemaNode = answer.at("/content/application~1json/schema");
    assertThat(schemaNode.isMissingNode()).as(method + " " + path + " " + status + " has a JSON schema").isFalse();
    ObjectNode schema = JSON.createObjectNode();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.setAll((ObjectNode) schemaNode.deepCopy());
    schema.set("components", doc.get("components"));
    Schema validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
        .getSchema(schema.toString(), InputFormat.JSON);
    assertThat(validator.validate(response.text(), InputFormat.JSON))
        .as(method + " " + path + " " + status + ": " + response.text()).isEmpty();
  }
}
