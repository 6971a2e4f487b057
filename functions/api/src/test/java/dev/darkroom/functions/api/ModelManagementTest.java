package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.comfy.ModelLists;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.comfy.PublishedCatalog;
import dev.darkroom.core.event.FinalizedObject;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.usecase.CheckModelFile;
import dev.darkroom.core.usecase.ManageModels;
import dev.darkroom.core.usecase.StreamTicketing;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.routes.CatalogRoutes;
import dev.darkroom.functions.api.routes.ModelRoutes;
import dev.darkroom.functions.api.routes.PromptRoutes;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryModelFiles;
import dev.darkroom.testing.InMemoryModelStore;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryRateCounter;
import dev.darkroom.testing.InMemoryStreamTickets;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.RecordingJobQueue;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Uploads and deletes of {@code /api/v2/models}, and what they do to the model lists of
 * {@code /object_info}, {@code /models} and prompt validation: on fakes, with the models check of
 * the models function ({@link CheckModelFile}) standing in for the finalize event.
 */
class ModelManagementTest {
  private static final String PROMPT = """
      {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "engine.safetensors"}},
       "2": {"class_type": "LoraLoader", "inputs": {"model": ["1", 0], "clip": ["1", 1], "lora_name": "%s",
             "strength_model": 1.0, "strength_clip": 1.0}},
       "3": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["2", 1], "text": "ink"}},
       "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
       "5": {"class_type": "KSampler", "inputs": {"model": ["2", 0], "positive": ["3", 0], "negative": ["3", 0],
             "latent_image": ["4", 0], "seed": 1, "steps": 1, "cfg": 7.0, "sampler_name": "euler",
             "scheduler": "normal", "denoise": 1.0}},
       "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["1", 2]}},
       "7": {"class_type": "PreviewImage", "inputs": {"images": ["6", 0]}}}""";
  private static final String HEADER = "{\"w\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4]}}";

  private final ObjectMapper json = new ObjectMapper();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
  private final InMemoryModelStore models = new InMemoryModelStore();
  private final InMemoryModelFiles bucket = new InMemoryModelFiles(clock);
  private final InMemoryNodeCatalogStore catalogs = new InMemoryNodeCatalogStore();
  private final ModelLists lists = new ModelLists(models, clock);
  private final CheckModelFile check = new CheckModelFile(models, bucket, false, clock);
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private Caller caller = Caller.idToken("root", "free", true);
  private final ComfyApi api;

  ModelManagementTest() {
    catalogs.publish(NodeCatalog.coreNodes(folder -> switch (folder) {
      case "checkpoints" -> List.of("engine.safetensors");
      case "loras" -> List.of("baked-in.safetensors", "refused-since.safetensors");
      default -> List.of();
    }).toObjectInfo());
    PromptPolicy policy = new PromptPolicy(new PublishedCatalog(catalogs, lists, clock), new InMemoryOutputStore());
    SubmitPrompt submit = new SubmitPrompt(jobs, new RecordingJobQueue(), policy, clock);
    api = new ComfyApi(request -> caller, new StreamTicketing(new InMemoryStreamTickets(), clock),
        new Admission(new InMemoryRateCounter(), jobs, new InMemoryLedger(), Admission.Settings.none(), clock), clock,
        new PromptRoutes(submit, jobs), new CatalogRoutes(policy.catalog()),
        new ModelRoutes(models, new ManageModels(models, bucket, false, lists::invalidate, clock)));
  }

  static byte[] safetensors() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] header = HEADER.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
    out.writeBytes(header);
    out.writeBytes(new byte[4]);
    return out.toByteArray();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private FakeHttp.Response upload(String body) throws Exception {
    return FakeHttp.call(api, "POST", "/api/v2/models/uploads", body);
  }

  /** What the bucket does when the client sends the bytes, and the models function when the upload is finalized. */
  private FinalizedObject uploaded(String objectName, byte[] bytes) {
    long generation = bucket.put(objectName, bytes);
    FinalizedObject event = new FinalizedObject(objectName, "application/octet-stream", bytes.length, generation);
    check.handle(event);
    return event;
  }

  private JsonNode body(FakeHttp.Response response) throws Exception {
    return json.readTree(response.text());
  }

  private List<String> loraChoices() throws Exception {
    JsonNode info = body(FakeHttp.call(api, "GET", "/object_info/LoraLoader", null));
    List<String> names = new ArrayList<>();
    info.path("LoraLoader").path("input").path("required").path("lora_name").path(0).forEach(n -> names.add(n.asText()));
    return names;
  }

  private List<String> loras() throws Exception {
    List<String> names = new ArrayList<>();
    body(FakeHttp.call(api, "GET", "/models/loras", null)).forEach(n -> names.add(n.asText()));
    return names;
  }

  private FakeHttp.Response prompt(String lora) throws Exception {
    return FakeHttp.call(api, "POST", "/prompt", "{\"prompt\": " + PROMPT.formatted(lora) + "}");
  }

  @Test
  void anAdministratorGetsASignedResumableUploadAndTheModelIsCheckingByThem() throws Exception {
    byte[] file = safetensors();
    FakeHttp.Response response = upload("{\"folder\": \"loras\", \"name\": \"style/ink.safetensors\", \"size\": "
        + file.length + ", \"sha256\": \"" + sha256(file).toUpperCase() + "\"}");

    assertThat(response.status).isEqualTo(201);
    JsonNode reply = body(response);
    assertThat(reply.path("upload_url").asText()).startsWith("memory://models/").contains("size=" + file.length);
    assertThat(reply.path("method").asText()).isEqualTo("POST");
    assertThat(reply.path("headers").path("x-goog-resumable").asText()).isEqualTo("start");
    assertThat(reply.path("headers").path("x-goog-content-length-range").asText())
        .isEqualTo(file.length + "," + file.length);
    assertThat(Instant.parse(reply.path("expires_at").asText())).isEqualTo(clock.instant().plus(ManageModels.UPLOAD_URL_TTL));
    ModelRecord announced = models.get("loras", "style/ink.safetensors").orElseThrow();
    assertThat(announced.state()).isEqualTo(State.CHECKING);
    assertThat(announced.addedBy()).isEqualTo("root");
    assertThat(announced.sha256()).as("kept in lower case, as checks compute it").isEqualTo(sha256(file));
    assertThat(body(FakeHttp.call(api, "GET", "/api/v2/models?folder=loras", null)).path("models").get(0)
        .path("state").asText()).isEqualTo("checking");
    assertThat(loraChoices()).as("not usable while checking").doesNotContain("style/ink.safetensors");
  }

  @Test
  void onlyAnAdministratorUploadsOrDeletesAndAKeyIsItsAccounts() throws Exception {
    String body = "{\"folder\": \"loras\", \"name\": \"ink.safetensors\", \"size\": 10}";
    for (Caller notAdmin : List.of(Caller.idToken("bob", "free"), Caller.apiKey("bob", "free", "k1"))) {
      caller = notAdmin;
      FakeHttp.Response refused = upload(body);
      assertThat(refused.status).isEqualTo(403);
      assertThat(body(refused).path("error").path("message").asText()).contains("administrator").contains("admin: true");
      assertThat(FakeHttp.call(api, "DELETE", "/api/v2/models/loras/ink.safetensors", null).status).isEqualTo(403);
      assertThat(FakeHttp.call(api, "GET", "/api/v2/models", null).status).as("everyone lists").isEqualTo(200);
    }
    assertThat(models.list(null)).isEmpty();

    caller = Caller.apiKey("root", "free", "k2", true);
    assertThat(upload(body).status).isEqualTo(201);
    caller = Caller.local("free");
    assertThat(FakeHttp.call(api, "DELETE", "/api/v2/models/loras/ink.safetensors", null).status).isEqualTo(204);
  }

  @Test
  void badInputIsRefused400NamingTheField() throws Exception {
    record Case(String body, String says) {}
    for (Case c : List.of(
        new Case("{\"folder\": \"../etc\", \"name\": \"a.safetensors\", \"size\": 1}", "folder"),
        new Case("{\"folder\": \"loras\", \"name\": \"../a.safetensors\", \"size\": 1}", "name"),
        new Case("{\"folder\": \"loras\", \"name\": \"sub/../../a.safetensors\", \"size\": 1}", "name"),
        new Case("{\"folder\": \"loras\", \"name\": \".hidden.safetensors\", \"size\": 1}", "name"),
        new Case("{\"folder\": \"loras\", \"name\": \"a.txt\", \"size\": 1}", "name"),
        new Case("{\"folder\": \"loras\", \"name\": \"a.ckpt\", \"size\": 1}", "pickled format"),
        new Case("{\"folder\": \"loras\", \"size\": 1}", "name is required"),
        new Case("{\"folder\": 3, \"name\": \"a.safetensors\", \"size\": 1}", "folder must be a string"),
        new Case("{\"folder\": \"loras\", \"name\": \"a.safetensors\"}", "size"),
        new Case("{\"folder\": \"loras\", \"name\": \"a.safetensors\", \"size\": 0}", "size"),
        new Case("{\"folder\": \"loras\", \"name\": \"a.safetensors\", \"size\": 1.5}", "size"),
        new Case("{\"folder\": \"loras\", \"name\": \"a.safetensors\", \"size\": 1, \"sha256\": \"abc\"}", "sha256"),
        new Case("[1]", "JSON object"),
        new Case("not json", "JSON object"))) {
      FakeHttp.Response response = upload(c.body());
      assertThat(response.status).as(c.body()).isEqualTo(400);
      assertThat(body(response).path("error").path("message").asText()).as(c.body()).contains(c.says());
    }
    assertThat(models.list(null)).isEmpty();
    assertThat(FakeHttp.call(api, "DELETE", "/api/v2/models/secrets/a.safetensors", null).status).isEqualTo(400);
  }

  @Test
  void aReadyOrRefusedFileMustBeDeletedBeforeItIsUploadedAgain() throws Exception {
    uploaded("loras/ink.safetensors", safetensors());
    String body = "{\"folder\": \"loras\", \"name\": \"ink.safetensors\", \"size\": 10}";
    FakeHttp.Response conflict = upload(body);
    assertThat(conflict.status).isEqualTo(409);
    assertThat(body(conflict).path("error").path("message").asText()).contains("ready").contains("DELETE");

    assertThat(FakeHttp.call(api, "DELETE", "/api/v2/models/loras/ink.safetensors", null).status).isEqualTo(204);
    assertThat(upload(body).status).isEqualTo(201);
    assertThat(upload(body).status).as("an upload announced again (restarted)").isEqualTo(201);
  }

  @Test
  void aModelIsOfferedTheMomentItIsReadyAndRefusedTheMomentItIsDeleted() throws Exception {
    byte[] file = safetensors();
    assertThat(upload("{\"folder\": \"loras\", \"name\": \"ink.safetensors\", \"size\": " + file.length
        + ", \"sha256\": \"" + sha256(file) + "\"}").status).isEqualTo(201);
    assertThat(prompt("ink.safetensors").status).isEqualTo(400);

    FinalizedObject event = uploaded("loras/ink.safetensors", file);
    clock.advance(ModelLists.REFRESH);

    assertThat(loraChoices()).contains("ink.safetensors");
    assertThat(loras()).contains("ink.safetensors");
    assertThat(body(FakeHttp.call(api, "GET", "/api/v2/models?folder=loras", null)).path("models").get(0)
        .path("state").asText()).isEqualTo("ready");
    assertThat(prompt("ink.safetensors").status).isEqualTo(200);

    assertThat(FakeHttp.call(api, "DELETE", "/api/v2/models/loras/ink.safetensors", null).status).isEqualTo(204);
    assertThat(bucket.exists("loras/ink.safetensors")).isFalse();
    FakeHttp.Response refused = prompt("ink.safetensors");
    assertThat(refused.status).as("at once on the instance that deleted it").isEqualTo(400);
    assertThat(refused.text()).contains("value_not_in_list");
    assertThat(loraChoices()).doesNotContain("ink.safetensors");
    assertThat(loras()).doesNotContain("ink.safetensors");
    assertThat(body(FakeHttp.call(api, "GET", "/api/v2/models", null)).path("models")).isEmpty();

    assertThat(check.handle(event).outcome()).as("a late finalize event").isEqualTo(CheckModelFile.Outcome.UNCHANGED);
    clock.advance(ModelLists.REFRESH);
    assertThat(loraChoices()).doesNotContain("ink.safetensors");
  }

  @Test
  void deleteIsIdempotentAndAnUnknownModelIs404() throws Exception {
    uploaded("loras/sub dir/ink.safetensors", safetensors());

    assertThat(FakeHttp.call(api, "DELETE", "/api/v2/models/loras/sub%20dir/ink.safetensors", null).status)
        .isEqualTo(204);
    assertThat(FakeHttp.call(api, "DELETE", "/api/v2/models/loras/sub%20dir/ink.safetensors", null).status)
        .as("again").isEqualTo(204);
    assertThat(models.get("loras", "sub dir/ink.safetensors").orElseThrow().state()).isEqualTo(State.DELETED);
    FakeHttp.Response unknown = FakeHttp.call(api, "DELETE", "/api/v2/models/loras/never.safetensors", null);
    assertThat(unknown.status).isEqualTo(404);
    assertThat(body(unknown).path("error").path("message").asText()).contains("loras/never.safetensors");
  }

  @Test
  void aFileCopiedInWithoutTheApiIsDeletedToo() throws Exception {
    bucket.put("vae/copied.safetensors", safetensors());
    assertThat(FakeHttp.call(api, "DELETE", "/api/v2/models/vae/copied.safetensors", null).status).isEqualTo(204);
    assertThat(bucket.exists("vae/copied.safetensors")).isFalse();
  }

  @Test
  void theStoreDecidesForEveryFileItKnowsAndEngineListedFilesItDoesNotKnowStay() throws Exception {
    uploaded("loras/refused-since.safetensors", "not a model".getBytes(StandardCharsets.UTF_8));
    uploaded("loras/new.safetensors", safetensors());

    assertThat(loraChoices()).containsExactly("baked-in.safetensors", "new.safetensors");
    assertThat(loras()).containsExactly("baked-in.safetensors", "new.safetensors");
    assertThat(prompt("refused-since.safetensors").text()).contains("value_not_in_list");
    JsonNode refused = body(FakeHttp.call(api, "GET", "/api/v2/models?folder=loras", null)).path("models");
    assertThat(refused.get(1).path("name").asText()).isEqualTo("refused-since.safetensors");
    assertThat(refused.get(1).path("reason").asText()).contains("not a usable safetensors file");
  }

  @Test
  void aV3LoadersOptionsFollowTheModelsAndAComboKeepsItsFixedChoicesOutOfTheFolder() throws Exception {
    uploaded("upscale_models/x2.safetensors", safetensors());
    uploaded("vae/new-vae.safetensors", safetensors());

    JsonNode upscale = body(FakeHttp.call(api, "GET", "/object_info/UpscaleModelLoader", null))
        .at("/UpscaleModelLoader/input/required/model_name");
    assertThat(upscale.get(0).asText()).isEqualTo("COMBO");
    assertThat(upscale.at("/1/options").toString()).isEqualTo("[\"x2.safetensors\"]");
    JsonNode vae = body(FakeHttp.call(api, "GET", "/object_info/VAELoader", null))
        .at("/VAELoader/input/required/vae_name/0");
    assertThat(vae.toString()).isEqualTo("[\"new-vae.safetensors\",\"pixel_space\"]");
    assertThat(body(FakeHttp.call(api, "GET", "/models/vae", null)).toString()).isEqualTo("[\"new-vae.safetensors\"]");
  }

  @Test
  void withinTheRefreshAnotherInstancesChangeIsNotYetSeenAndThenItIs() throws Exception {
    assertThat(loraChoices()).doesNotContain("elsewhere.safetensors");
    uploaded("loras/elsewhere.safetensors", safetensors());
    assertThat(loraChoices()).as("read less than REFRESH ago").doesNotContain("elsewhere.safetensors");
    clock.advance(ModelLists.REFRESH);
    assertThat(loraChoices()).contains("elsewhere.safetensors");
  }
}
