package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.deployment.DeploymentLimits;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.usecase.RunDeployment;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /api/v2/deployments}, as a client sees it, on in-memory fakes and the core nodes' catalog. */
class DeploymentRoutesTest {
  /** The SD1.5 sample (txt2img) in ComfyUI's API format. */
  static final String SD15 = "{\"3\":{\"inputs\":{\"seed\":712610403220747,\"steps\":20,\"cfg\":8,\"sampler_name\":"
      + "\"euler\",\"scheduler\":\"normal\",\"denoise\":1,\"model\":[\"4\",0],\"positive\":[\"6\",0],\"negative\":"
      + "[\"7\",0],\"latent_image\":[\"5\",0]},\"class_type\":\"KSampler\"},\"4\":{\"inputs\":{\"ckpt_name\":"
      + "\"dreamshaper_8.safetensors\"},\"class_type\":\"CheckpointLoaderSimple\"},\"5\":{\"inputs\":{\"width\":512,"
      + "\"height\":512,\"batch_size\":1},\"class_type\":\"EmptyLatentImage\"},\"6\":{\"inputs\":{\"text\":"
      + "\"beautiful scenery\",\"clip\":[\"4\",1]},\"class_type\":\"CLIPTextEncode\"},\"7\":{\"inputs\":{\"text\":"
      + "\"text, watermark\",\"clip\":[\"4\",1]},\"class_type\":\"CLIPTextEncode\"},\"8\":{\"inputs\":{\"samples\":"
      + "[\"3\",0],\"vae\":[\"4\",2]},\"class_type\":\"VAEDecode\"},\"9\":{\"inputs\":{\"filename_prefix\":\"ComfyUI\","
      + "\"images\":[\"8\",0]},\"class_type\":\"SaveImage\"}}";
  static final String INPUTS = "[{\"name\":\"prompt\",\"node\":\"6\",\"input\":\"text\",\"type\":\"string\","
      + "\"required\":true},{\"name\":\"seed\",\"node\":\"3\",\"input\":\"seed\",\"type\":\"seed\"}]";

  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryOutputStore files = new InMemoryOutputStore();
  private final InMemoryNodeCatalogStore catalogs = new InMemoryNodeCatalogStore();
  private volatile String caller = "alice";
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), files, new InMemoryLedger(), catalogs,
      ApiFixture.as(() -> caller));

  DeploymentRoutesTest() {
    catalogs.publish(NodeCatalog.coreNodes(folder -> folder.equals("checkpoints")
        ? List.of("dreamshaper_8.safetensors") : List.of()).toObjectInfo());
  }

  private FakeHttp.Response call(String method, String path, String body, String... headers) throws Exception {
    return FakeHttp.send(api, method, path, body, headers);
  }

  private JsonNode body(FakeHttp.Response response) throws Exception {
    return json.readTree(response.text());
  }

  private static String definition(String name, String workflow, String inputs) {
    return "{\"name\":\"" + name + "\",\"workflow\":" + workflow + ",\"inputs\":" + inputs + "}";
  }

  private JsonNode publish(String name, String workflow, String inputs) throws Exception {
    FakeHttp.Response created = call("POST", "/api/v2/deployments", definition(name, workflow, inputs));
    assertThat(created.status).as(created.text()).isEqualTo(201);
    return body(created);
  }

  private JsonNode run(String name, String body, String... headers) throws Exception {
    FakeHttp.Response ran = call("POST", "/api/v2/deployments/" + name + "/runs", body, headers);
    assertThat(ran.status).as(ran.text()).isEqualTo(201);
    return body(ran);
  }

  @Test
  void theSampleWithAStringPromptAndAnIntegerSeedRunsAsAnOrdinaryJob() throws Exception {
    JsonNode created = publish("sd15", SD15, INPUTS.replace("\"type\":\"seed\"", "\"type\":\"integer\""));
    assertThat(created.get("latest_version").asInt()).isEqualTo(1);
    assertThat(created.at("/version/input_schema/properties/seed/type").asText()).isEqualTo("integer");

    JsonNode job = run("sd15", "{\"inputs\":{\"prompt\":\"a red fox\",\"seed\":7}}");
    assertThat(job.get("status").asText()).isEqualTo("queued");
    String id = job.get("id").asText();
    JobPrompt stored = jobs.promptOf(id).orElseThrow();
    assertThat(stored.prompt().at("/6/inputs/text").asText()).isEqualTo("a red fox");
    assertThat(stored.prompt().at("/3/inputs/seed").asLong()).isEqualTo(7);
    assertThat(stored.extraData().get(RunDeployment.EXTRA_DATA_KEY).toString())
        .isEqualTo("{\"name\":\"sd15\",\"version\":1,\"inputs\":{\"prompt\":\"a red fox\",\"seed\":7}}");
    FakeHttp.Response shown = call("GET", "/api/v2/jobs/" + id, null);
    assertThat(shown.status).isEqualTo(200);
    FakeHttp.Response queue = call("GET", "/api/queue", null);
    assertThat(queue.text()).as("ComfyUI's routes show it, with what it ran").contains(id, "a red fox",
        RunDeployment.EXTRA_DATA_KEY);
  }

  @Test
  void aWrongTypeAndAnUnknownInputAreOne400NamingBoth() throws Exception {
    publish("sd15", SD15, INPUTS);
    FakeHttp.Response refused = call("POST", "/api/v2/deployments/sd15/runs",
        "{\"inputs\":{\"prompt\":\"x\",\"seed\":\"seven\",\"colour\":\"red\"}}");
    assertThat(refused.status).isEqualTo(400);
    assertThat(body(refused).at("/error/fields")).isEqualTo(json.readTree("[{\"field\":\"inputs.colour\","
        + "\"message\":\"no such input in version 1\"},{\"field\":\"inputs.seed\",\"message\":\"must be an integer\"}]"));
    assertThat(jobs.all()).isEmpty();
  }

  @Test
  void aRunsOtherFieldsAreNamedNotIgnored() throws Exception {
    publish("sd15", SD15, INPUTS);
    FakeHttp.Response refused = call("POST", "/api/v2/deployments/sd15/runs",
        "{\"inputs\":{\"prompt\":\"x\"},\"webhook\":\"https://example.com/hook\",\"colour\":1}");
    assertThat(refused.status).isEqualTo(400);
    assertThat(body(refused).at("/error/fields").findValuesAsText("field")).containsExactly("colour");
    assertThat(jobs.all()).isEmpty();
  }

  @Test
  void aRunsWebhookIsAnEndpointForItsJobAloneRegisteredOnceAndItsSecretShownOnce() throws Exception {
    publish("sd15", SD15, INPUTS);
    String body = "{\"inputs\":{\"prompt\":\"x\"},\"webhook\":\"https://hooks.example.com/run\"}";
    JsonNode first = run("sd15", body, "Idempotency-Key", "run-with-hook");
    assertThat(first.at("/webhook/url").asText()).isEqualTo("https://hooks.example.com/run");
    assertThat(first.at("/webhook/id").asText()).startsWith("we_");
    assertThat(first.at("/webhook/secret").asText()).startsWith("whsec_");

    FakeHttp.Response replayed = call("POST", "/api/v2/deployments/sd15/runs", body, "Idempotency-Key", "run-with-hook");
    assertThat(replayed.status).as(replayed.text()).isEqualTo(200);
    assertThat(body(replayed).get("id").asText()).isEqualTo(first.get("id").asText());
    assertThat(body(replayed).at("/webhook/id").asText()).as("the same endpoint").isEqualTo(first.at("/webhook/id").asText());
    assertThat(body(replayed).at("/webhook").has("secret")).as("a secret is shown once").isFalse();

    JsonNode endpoints = body(call("GET", "/api/v2/webhooks", null));
    assertThat(endpoints.findValuesAsText("id")).containsExactly(first.at("/webhook/id").asText());
    assertThat(endpoints.findValuesAsText("job_id")).containsExactly(first.get("id").asText());
  }

  @Test
  void aWebhookTheOutboundPolicyRefusesIsA400BeforeAnyJob() throws Exception {
    publish("sd15", SD15, INPUTS);
    FakeHttp.Response privateHost = call("POST", "/api/v2/deployments/sd15/runs",
        "{\"inputs\":{\"prompt\":\"x\"},\"webhook\":\"https://hooks.internal.test/run\"}");
    assertThat(privateHost.status).isEqualTo(400);
    assertThat(body(privateHost).at("/error/fields/0/field").asText()).isEqualTo("webhook");
    FakeHttp.Response notAString = call("POST", "/api/v2/deployments/sd15/runs",
        "{\"inputs\":{\"prompt\":\"x\"},\"webhook\":42}");
    assertThat(notAString.status).isEqualTo(400);
    assertThat(body(notAString).at("/error/fields/0/field").asText()).isEqualTo("webhook");
    assertThat(jobs.all()).isEmpty();
    assertThat(body(call("GET", "/api/v2/webhooks", null)).findValuesAsText("id")).isEmpty();
  }

  @Test
  void anOmittedSeedIsDrawnAndTheValueUsedIsRecordedOnTheJob() throws Exception {
    publish("sd15", SD15, INPUTS);
    String id = run("sd15", "{\"inputs\":{\"prompt\":\"x\"}}").get("id").asText();
    JobPrompt stored = jobs.promptOf(id).orElseThrow();
    long used = stored.extraData().at("/" + RunDeployment.EXTRA_DATA_KEY + "/inputs/seed").asLong(-1);
    assertThat(used).isNotNegative();
    assertThat(stored.prompt().at("/3/inputs/seed").asLong()).isEqualTo(used);
  }

  @Test
  void anIdempotencyKeyReplaysTheSameJobWithTheSameSeed() throws Exception {
    publish("sd15", SD15, INPUTS);
    String first = run("sd15", "{\"inputs\":{\"prompt\":\"x\"}}", "Idempotency-Key", "k1").get("id").asText();
    FakeHttp.Response again = call("POST", "/api/v2/deployments/sd15/runs", "{\"inputs\":{\"prompt\":\"x\"}}",
        "Idempotency-Key", "k1");
    assertThat(again.status).isEqualTo(200);
    assertThat(body(again).get("id").asText()).isEqualTo(first);
    assertThat(jobs.all()).hasSize(1);
    FakeHttp.Response other = call("POST", "/api/v2/deployments/sd15/runs", "{\"inputs\":{\"prompt\":\"y\"}}",
        "Idempotency-Key", "k1");
    assertThat(other.status).isEqualTo(409);
  }

  @Test
  void aBadDefinitionIs400NamingTheField() throws Exception {
    FakeHttp.Response refused = call("POST", "/api/v2/deployments", definition("sd15", SD15,
        "[{\"name\":\"p\",\"node\":\"6\",\"input\":\"text\",\"type\":\"string\"},"
            + "{\"name\":\"q\",\"node\":\"6\",\"input\":\"clip\",\"type\":\"string\"},"
            + "{\"name\":\"r\",\"node\":\"17\",\"input\":\"text\",\"type\":\"string\"}]"));
    assertThat(refused.status).isEqualTo(400);
    assertThat(body(refused).at("/error/message").asText()).isEqualTo("inputs[1].input: node \"6\" input \"clip\" is "
        + "linked to another node's output; only a value can be filled; inputs[2].node: no node \"17\" in the workflow");
    FakeHttp.Response invalid = call("POST", "/api/v2/deployments",
        definition("sd15", SD15.replace("dreamshaper_8", "missing"), "[]"));
    assertThat(invalid.status).isEqualTo(400);
    assertThat(body(invalid).at("/error/fields/0/field").asText()).isEqualTo("workflow");
    assertThat(body(invalid).at("/error/node_errors/4").isObject()).as(invalid.text()).isTrue();
    assertThat(call("GET", "/api/v2/deployments", null).text()).isEqualTo("{\"deployments\":[]}");
  }

  @Test
  void versionsAreImmutableAndSelectableAndTheDefaultCanBePinned() throws Exception {
    publish("sd15", SD15, INPUTS);
    JsonNode second = publish("sd15", SD15.replace("text, watermark", "blurry"),
        "[{\"name\":\"negative\",\"node\":\"7\",\"input\":\"text\",\"type\":\"string\"}]");
    assertThat(second.get("latest_version").asInt()).isEqualTo(2);
    assertThat(second.get("default_version").asInt()).isEqualTo(2);

    String latest = run("sd15", "{\"inputs\":{\"negative\":\"ugly\"}}").get("id").asText();
    assertThat(jobs.promptOf(latest).orElseThrow().prompt().at("/7/inputs/text").asText()).isEqualTo("ugly");
    String first = run("sd15", "{\"version\":1,\"inputs\":{\"prompt\":\"v1\"}}").get("id").asText();
    assertThat(jobs.promptOf(first).orElseThrow().prompt().at("/7/inputs/text").asText()).isEqualTo("text, watermark");

    FakeHttp.Response pinned = call("PUT", "/api/v2/deployments/sd15/default", "{\"version\":1}");
    assertThat(pinned.status).as(pinned.text()).isEqualTo(200);
    assertThat(body(pinned).get("default_version").asInt()).isEqualTo(1);
    FakeHttp.Response wrongForV1 = call("POST", "/api/v2/deployments/sd15/runs", "{\"inputs\":{\"negative\":\"x\"}}");
    assertThat(wrongForV1.status).isEqualTo(400);
    assertThat(call("PUT", "/api/v2/deployments/sd15/default", "{\"version\":3}").status).isEqualTo(404);
    assertThat(call("POST", "/api/v2/deployments/sd15/runs", "{\"version\":3,\"inputs\":{}}").status).isEqualTo(404);

    JsonNode v1 = body(call("GET", "/api/v2/deployments/sd15/versions/1", null));
    assertThat(v1.at("/workflow/7/inputs/text").asText()).isEqualTo("text, watermark");
    assertThat(v1.get("inputs")).hasSize(2);
    assertThat(call("GET", "/api/v2/deployments/sd15/versions/0", null).status).isEqualTo(404);
    JsonNode shown = body(call("GET", "/api/v2/deployments/sd15", null));
    assertThat(shown.get("versions")).hasSize(2);
    assertThat(shown.get("pinned_version").asInt()).isEqualTo(1);
  }

  @Test
  void anotherUsersDeploymentAnswersAsNone() throws Exception {
    publish("sd15", SD15, INPUTS);
    caller = "bob";
    assertThat(call("GET", "/api/v2/deployments/sd15", null).status).isEqualTo(404);
    assertThat(call("GET", "/api/v2/deployments/sd15/versions/1", null).status).isEqualTo(404);
    assertThat(call("GET", "/api/v2/deployments/sd15/openapi.json", null).status).isEqualTo(404);
    assertThat(call("POST", "/api/v2/deployments/sd15/runs", "{\"inputs\":{\"prompt\":\"x\"}}").status).isEqualTo(404);
    assertThat(call("DELETE", "/api/v2/deployments/sd15", null).status).isEqualTo(404);
    assertThat(call("GET", "/api/v2/deployments", null).text()).isEqualTo("{\"deployments\":[]}");
    assertThat(jobs.all()).isEmpty();
  }

  @Test
  void anArchivedDeploymentIsNotListedNorRunAndPublishingRevivesIt() throws Exception {
    publish("sd15", SD15, INPUTS);
    assertThat(call("DELETE", "/api/v2/deployments/sd15", null).status).isEqualTo(204);
    assertThat(call("DELETE", "/api/v2/deployments/sd15", null).status).isEqualTo(204);
    assertThat(call("GET", "/api/v2/deployments", null).text()).isEqualTo("{\"deployments\":[]}");
    assertThat(call("GET", "/api/v2/deployments/sd15", null).status).isEqualTo(404);
    assertThat(call("POST", "/api/v2/deployments/sd15/runs", "{\"inputs\":{\"prompt\":\"x\"}}").status).isEqualTo(404);
    assertThat(publish("sd15", SD15, INPUTS).get("latest_version").asInt()).isEqualTo(2);
    assertThat(body(call("GET", "/api/v2/deployments", null)).at("/deployments/0/name").asText()).isEqualTo("sd15");
  }

  @Test
  void anImageInputTakesOnlyTheCallersUploads() throws Exception {
    files.put("inputs/alice/cat.png", "image/png", new ByteArrayInputStream(new byte[] {1}));
    files.put("inputs/alice/dog.png", "image/png", new ByteArrayInputStream(new byte[] {2}));
    files.put("inputs/bob/bobs.png", "image/png", new ByteArrayInputStream(new byte[] {3}));
    String workflow = "{\"1\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"cat.png\"}},"
        + "\"2\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\",\"images\":[\"1\",0]}}}";
    publish("edit", workflow, "[{\"name\":\"photo\",\"node\":\"1\",\"input\":\"image\",\"type\":\"image\"}]");
    String id = run("edit", "{\"inputs\":{\"photo\":\"dog.png\"}}").get("id").asText();
    assertThat(jobs.promptOf(id).orElseThrow().prompt().at("/1/inputs/image").asText()).isEqualTo("dog.png");
    FakeHttp.Response refused = call("POST", "/api/v2/deployments/edit/runs", "{\"inputs\":{\"photo\":\"bobs.png\"}}");
    assertThat(refused.status).isEqualTo(400);
    assertThat(body(refused).at("/error/message").asText())
        .isEqualTo("inputs.photo: you have no upload named \"bobs.png\"");
  }

  @Test
  void theContractIsOpenApi31WithTheInputsRunRequestAndJob() throws Exception {
    publish("sd15", SD15, INPUTS);
    FakeHttp.Response contract = call("GET", "/api/v2/deployments/sd15/openapi.json", null);
    assertThat(contract.status).isEqualTo(200);
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    var parsed = new OpenAPIV3Parser().readContents(contract.text(), null, options);
    assertThat(parsed.getMessages()).isEmpty();
    assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.1.");
    JsonNode doc = body(contract);
    assertThat(doc.at("/components/schemas/Inputs/properties").fieldNames()).toIterable()
        .containsExactly("prompt", "seed");
    assertThat(doc.at("/components/schemas/Inputs/required")).isEqualTo(json.readTree("[\"prompt\"]"));
    assertThat(doc.at("/paths/~1v2~1deployments~1sd15~1runs/post/responses/201/content/application~1json/schema/$ref")
        .asText()).isEqualTo("#/components/schemas/Job");
    assertThat(doc.at("/components/schemas/JobStatus").isObject()).as("what Job refers to comes along").isTrue();
  }

  @Test
  void theContractSaysWhatARunProducesAndWhichNodesMakeIt() throws Exception {
    publish("sd15", SD15, INPUTS);
    JsonNode outputs = body(call("GET", "/api/v2/deployments/sd15/openapi.json", null)).at("/components/schemas/Outputs");
    assertThat(outputs.get("type").asText()).isEqualTo("array");
    assertThat(outputs.at("/items/$ref").asText()).isEqualTo("#/components/schemas/Output");
    assertThat(outputs.get("x-darkroom-output-nodes"))
        .isEqualTo(json.readTree("[{\"node_id\":\"9\",\"class_type\":\"SaveImage\"}]"));
  }
  @Test
  void theDeploymentsOfAUserAreCappedAndArchivingOneMakesRoom() throws Exception {
    String tiny = SD15;
    for (int i = 0; i < DeploymentLimits.DEPLOYMENTS_PER_USER; i++) {
      publish("d" + i, tiny, "[]");
    }
    FakeHttp.Response over = call("POST", "/api/v2/deployments", definition("one-more", tiny, "[]"));
    assertThat(over.status).isEqualTo(409);
    assertThat(body(over).at("/error/message").asText()).contains("100 deployments");
    assertThat(call("POST", "/api/v2/deployments", definition("d0", tiny, "[]")).status)
        .as("a new version of a deployment is not a new deployment").isEqualTo(201);
    caller = "bob";
    publish("one-more", tiny, "[]");
    caller = "alice";
    assertThat(call("DELETE", "/api/v2/deployments/d7", null).status).isEqualTo(204);
    publish("one-more", tiny, "[]");
  }
}
