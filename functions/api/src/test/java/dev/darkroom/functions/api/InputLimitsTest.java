package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.routes.ImageKindsTest;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.RecordingJobQueue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each bound of {@link InputLimits}: a request at the bound is accepted, one past it is refused
 * with the status and message a client sees, and nothing is queued or stored.
 */
class InputLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAVE = "{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\"}}";

  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final RecordingJobQueue queue = new RecordingJobQueue();
  private final InMemoryOutputStore files = new InMemoryOutputStore();
  private final InMemoryNodeCatalogStore catalogs = new InMemoryNodeCatalogStore();
  /** The structural check only (no catalog published): the limits apply before validation. */
  private final ComfyApi api = ApiFixture.api(jobs, queue, files, new InMemoryLedger(),
      null, ApiFixture.as(() -> "alice"));
  /** The production validator over the core nodes' catalog. */
  private final ComfyApi validating = ApiFixture.api(jobs, queue, files, new InMemoryLedger(),
      catalogs, ApiFixture.as(() -> "alice"));

  InputLimitsTest() {
    catalogs.publish(NodeCatalog.coreNodes(folder -> folder.equals("checkpoints")
        ? List.of("dreamshaper_8.safetensors") : List.of()).toObjectInfo());
  }

  private FakeHttp.Response call(ComfyApi target, FakeHttp.Request request) throws Exception {
    FakeHttp.Response response = new FakeHttp.Response();
    target.handle(request, response);
    return response;
  }

  private FakeHttp.Response post(String body) throws Exception {
    return call(api, FakeHttp.request("POST", "/prompt", body));
  }

  private int acceptedPrompts;

  /** A 413 or 400 in ComfyUI's error shape; only the prompts accepted before are queued and stored. */
  private JsonNode refused(FakeHttp.Response response, int status, String type) throws Exception {
    assertThat(response.status).as(response.text()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.text());
    assertThat(body.at("/error/type").asText()).isEqualTo(type);
    assertThat(body.get("node_errors").isObject()).isTrue();
    assertThat(queue.published).hasSize(acceptedPrompts);
    assertThat(jobs.all()).hasSize(acceptedPrompts);
    return body;
  }

  private void accepted(FakeHttp.Response response) {
    assertThat(response.status).as(response.text()).isEqualTo(200);
    acceptedPrompts++;
  }

  private static String quoted(String s) throws Exception {
    return JSON.writeValueAsString(s);
  }

  @Nested
  class Prompts {
    @Test
    void aBodyUpToItsLimitIsReadAndOnePastIsA413() throws Exception {
      String prompt = "{\"prompt\":{\"9\":" + SAVE + "}}";
      byte[] atLimit = (prompt + " ".repeat(InputLimits.PROMPT_BODY_BYTES - prompt.length())).getBytes(StandardCharsets.UTF_8);
      accepted(call(api, FakeHttp.request("POST", "/prompt", atLimit, "application/json")));

      byte[] past = java.util.Arrays.copyOf(atLimit, atLimit.length + 1);
      past[past.length - 1] = ' ';
      FakeHttp.Response response = call(api, FakeHttp.request("POST", "/prompt", past, "application/json"));
      assertThat(response.status).isEqualTo(413);
      assertThat(response.text()).startsWith("413: Request Entity Too Large").contains("" + InputLimits.PROMPT_BODY_BYTES);
    }

    @Test
    void jsonNestedToTheLimitIsReadAndOneLevelDeeperIsA400() throws Exception {
      // The body is level 1, extra_data level 2; the arrays take the rest.
      int arrays = InputLimits.JSON_DEPTH - 2;
      accepted(post("{\"prompt\":{\"9\":" + SAVE + "},\"extra_data\":{\"x\":" + "[".repeat(arrays) + "]".repeat(arrays) + "}}"));

      JsonNode body = refused(post("{\"prompt\":{\"9\":" + SAVE + "},\"extra_data\":{\"x\":"
          + "[".repeat(arrays + 1) + "]".repeat(arrays + 1) + "}}"), 400, "invalid_prompt");
      assertThat(body.at("/error/details").asText()).isEqualTo("the JSON is nested more than 64 levels deep");
    }

    @Test
    void tenThousandLevelsAreRefusedWithoutBuildingThem() throws Exception {
      refused(post("{\"prompt\":" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "}"), 400, "invalid_prompt");
    }

    @Test
    void aStringUpToItsLimitIsAcceptedAndOneCharacterLongerIsA413() throws Exception {
      String limit = "x".repeat(InputLimits.JSON_STRING_CHARS);
      accepted(post("{\"prompt\":{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"" + limit + "\"}}}}"));

      JsonNode body = refused(post("{\"prompt\":{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\""
          + limit + "x\"}}}}"), 413, "prompt_too_large");
      assertThat(body.at("/error/details").asText()).isEqualTo(
          "the string at /prompt/9/inputs/filename_prefix has 100001 characters; at most 100000 are accepted");
    }

    @Test
    void aKeyUpToItsLimitIsAcceptedAndOneCharacterLongerIsA413() throws Exception {
      accepted(post("{\"prompt\":{\"" + "n".repeat(InputLimits.JSON_KEY_CHARS) + "\":" + SAVE + "}}"));

      JsonNode body = refused(post("{\"prompt\":{\"" + "n".repeat(InputLimits.JSON_KEY_CHARS + 1) + "\":" + SAVE + "}}"),
          413, "prompt_too_large");
      assertThat(body.at("/error/details").asText()).isEqualTo("a key in /prompt has 257 characters; at most 256 are accepted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\\ud800\"", "\"a\\udc00b\"", "\"\\ud800\\ud800\""})
    void aLoneSurrogateIsA400RatherThanAReplyThatCannotBeWritten(String value) throws Exception {
      refused(post("{\"prompt\":{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":" + value + "}}}}"),
          400, "invalid_prompt");
      refused(post("{\"prompt\":{" + value + ":" + SAVE + "}}"), 400, "invalid_prompt");
    }

    @Test
    void aSurrogatePairIsOneCharacterLikeAnyOther() throws Exception {
      accepted(post("{\"prompt\":{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"\\ud83d\\udcf7\"}}}}"));
    }

    @Test
    void upToTheNodeLimitIsAcceptedAndOneNodeMoreIsA413() throws Exception {
      accepted(post("{\"prompt\":" + nodes(InputLimits.PROMPT_NODES) + "}"));

      JsonNode body = refused(post("{\"prompt\":" + nodes(InputLimits.PROMPT_NODES + 1) + "}"), 413, "prompt_too_large");
      assertThat(body.at("/error/details").asText()).isEqualTo("the prompt has 2001 nodes; at most 2000 are accepted");
    }

    private String nodes(int count) {
      StringBuilder prompt = new StringBuilder("{");
      for (int i = 1; i <= count; i++) {
        prompt.append(i > 1 ? "," : "").append('"').append(i).append("\":").append(SAVE);
      }
      return prompt.append('}').toString();
    }

    @Test
    void upToTheInputLimitIsAcceptedAndOneInputMoreIsA413() throws Exception {
      accepted(post("{\"prompt\":{\"9\":" + nodeWithInputs(InputLimits.NODE_INPUTS) + "}}"));

      JsonNode body = refused(post("{\"prompt\":{\"9\":" + nodeWithInputs(InputLimits.NODE_INPUTS + 1) + "}}"),
          413, "prompt_too_large");
      assertThat(body.at("/error/details").asText()).isEqualTo("node 9 has 257 inputs; at most 256 are accepted");
    }

    private String nodeWithInputs(int count) {
      StringBuilder inputs = new StringBuilder("{\"filename_prefix\":\"x\"");
      for (int i = 1; i < count; i++) {
        inputs.append(",\"extra").append(i).append("\":").append(i);
      }
      return "{\"class_type\":\"SaveImage\",\"inputs\":" + inputs + "}}";
    }

    @Test
    void aClassTypeUpToItsLimitIsValidatedAndOneCharacterLongerIsA413() throws Exception {
      String limit = "C".repeat(InputLimits.CLASS_TYPE_CHARS);
      accepted(post("{\"prompt\":{\"9\":{\"class_type\":\"" + limit + "\",\"inputs\":{}}}}"));

      JsonNode body = refused(post("{\"prompt\":{\"9\":{\"class_type\":\"" + limit + "C\",\"inputs\":{}}}}"),
          413, "prompt_too_large");
      assertThat(body.at("/error/details").asText()).isEqualTo("node 9 has a class_type of 257 characters; at most 256 are accepted");
    }

    @Test
    void aPromptUpToItsStoredSizeIsAcceptedAndOneByteMoreIsA413() throws Exception {
      accepted(post("{\"prompt\":" + promptOfBytes(InputLimits.PROMPT_JSON_BYTES) + "}"));

      JsonNode body = refused(post("{\"prompt\":" + promptOfBytes(InputLimits.PROMPT_JSON_BYTES + 1) + "}"),
          413, "prompt_too_large");
      assertThat(body.at("/error/details").asText())
          .isEqualTo("the prompt takes 524289 bytes as compact JSON; at most 524288 are accepted");
    }

    /** A SaveImage node padded with extra inputs (each under the string limit) to exactly {@code bytes}. */
    private String promptOfBytes(int bytes) throws Exception {
      ObjectNode prompt = (ObjectNode) JSON.readTree("{\"9\":" + SAVE + "}");
      ObjectNode inputs = (ObjectNode) prompt.at("/9/inputs");
      for (int i = 0; JSON.writeValueAsBytes(prompt).length < bytes; i++) {
        int missing = bytes - JSON.writeValueAsBytes(prompt).length;
        String name = "pad" + i;
        int overhead = JSON.writeValueAsBytes(Map.of(name, "")).length - 1;
        inputs.put(name, "p".repeat(Math.max(0, Math.min(InputLimits.JSON_STRING_CHARS, missing - overhead))));
      }
      assertThat(JSON.writeValueAsBytes(prompt)).hasSize(bytes);
      return JSON.writeValueAsString(prompt);
    }

    @Test
    void aPromptThatComfyUIsCoercionsLengthenPastTheStoredSizeIsA413() throws Exception {
      ObjectNode prompt = (ObjectNode) JSON.readTree(txt2img("1e19"));
      int room = InputLimits.PROMPT_JSON_BYTES - JSON.writeValueAsBytes(prompt).length;
      for (int i = 0; room > 0; i++) {
        String pad = "p".repeat(Math.min(InputLimits.JSON_STRING_CHARS, room - 64));
        prompt.putObject("pad" + i).put("class_type", "CLIPTextEncode").putObject("inputs").put("text", pad);
        room = InputLimits.PROMPT_JSON_BYTES - JSON.writeValueAsBytes(prompt).length;
        if (room < 100) break;
      }
      FakeHttp.Response response = call(validating, FakeHttp.request("POST", "/prompt", "{\"prompt\":" + prompt + "}"));
      JsonNode body = refused(response, 413, "prompt_too_large");
      assertThat(body.at("/error/details").asText()).startsWith("the prompt takes ");

      prompt.set("3", JSON.readTree(txt2img("10000000000000000000")).get("3"));
      ((ObjectNode) prompt.at("/pad0/inputs")).put("text", "short");
      accepted(call(validating, FakeHttp.request("POST", "/prompt", "{\"prompt\":" + prompt + "}")));
    }

    private static String txt2img(String seed) {
      return """
          {"3": {"class_type": "KSampler", "inputs": {"seed": %s, "steps": 20, "cfg": 8, "sampler_name": "euler",
             "scheduler": "normal", "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0],
             "latent_image": ["5", 0]}},
           "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "dreamshaper_8.safetensors"}},
           "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
           "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox", "clip": ["4", 1]}},
           "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["4", 1]}},
           "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
           "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x", "images": ["8", 0]}}}""".formatted(seed);
    }

    @Test
    void extraDataUpToItsStoredSizeIsAcceptedAndOneByteMoreIsA413() throws Exception {
      accepted(post("{\"prompt\":{\"9\":" + SAVE + "},\"extra_data\":" + objectOfBytes(InputLimits.EXTRA_DATA_JSON_BYTES) + "}"));

      JsonNode body = refused(post("{\"prompt\":{\"9\":" + SAVE + "},\"extra_data\":"
          + objectOfBytes(InputLimits.EXTRA_DATA_JSON_BYTES + 1) + "}"), 413, "prompt_too_large");
      assertThat(body.at("/error/details").asText())
          .isEqualTo("extra_data takes 393217 bytes as compact JSON; at most 393216 are accepted");
    }

    @Test
    void theClientIdCountsAsPartOfExtraData() throws Exception {
      String extra = objectOfBytes(InputLimits.EXTRA_DATA_JSON_BYTES - ",\"client_id\":\"c\"".length());
      accepted(post("{\"prompt\":{\"9\":" + SAVE + "},\"client_id\":\"c\",\"extra_data\":" + extra + "}"));
      refused(post("{\"prompt\":{\"9\":" + SAVE + "},\"client_id\":\"cc\",\"extra_data\":" + extra + "}"), 413, "prompt_too_large");
    }

    private String objectOfBytes(int bytes) throws Exception {
      Map<String, String> object = new LinkedHashMap<>();
      for (int i = 0; JSON.writeValueAsBytes(object).length < bytes; i++) {
        int missing = bytes - JSON.writeValueAsBytes(object).length;
        String name = "k" + i;
        int overhead = JSON.writeValueAsBytes(Map.of(name, "")).length - 1;
        object.put(name, "e".repeat(Math.max(0, Math.min(InputLimits.JSON_STRING_CHARS, missing - overhead))));
      }
      assertThat(JSON.writeValueAsBytes(object)).hasSize(bytes);
      return JSON.writeValueAsString(object);
    }

    @Test
    void aClientIdUpToItsLimitIsAcceptedAndOneCharacterLongerOrAControlCharacterIsRefused() throws Exception {
      String limit = "c".repeat(InputLimits.CLIENT_ID_CHARS);
      accepted(post("{\"prompt\":{\"9\":" + SAVE + "},\"client_id\":\"" + limit + "\"}"));

      JsonNode body = refused(post("{\"prompt\":{\"9\":" + SAVE + "},\"client_id\":\"" + limit + "c\"}"), 413, "prompt_too_large");
      assertThat(body.at("/error/details").asText()).isEqualTo("client_id has 257 characters; at most 256 are accepted");
      refused(post("{\"prompt\":{\"9\":" + SAVE + "},\"client_id\":\"a\\u0000b\"}"), 400, "invalid_prompt");
    }

    @Test
    void aQueueNumberMustBeFinite() throws Exception {
      for (String number : List.of("1e400", "-1e400", "9".repeat(400))) {
        JsonNode body = refused(post("{\"prompt\":{\"9\":" + SAVE + "},\"number\":" + number + "}"), 400, "invalid_prompt");
        assertThat(body.at("/error/details").asText()).isEqualTo("number must be a finite number");
      }
      accepted(post("{\"prompt\":{\"9\":" + SAVE + "},\"number\":1e300}"));
    }

    @Test
    void truncatedJsonAndTrailingGarbageAre400() throws Exception {
      refused(post("{\"prompt\":{\"9\":" + SAVE), 400, "invalid_prompt");
      refused(post("{\"prompt\":{\"9\":" + SAVE + "}} {}"), 400, "invalid_prompt");
      refused(post(""), 400, "invalid_prompt");
    }

    @Test
    void aLongPromptIdIsQuotedShortInTheRefusal() throws Exception {
      JsonNode body = refused(post("{\"prompt\":{\"9\":" + SAVE + "},\"prompt_id\":\"" + "z".repeat(50_000) + "\"}"),
          400, "invalid_prompt_id");
      assertThat(body.at("/error/details").asText()).hasSizeLessThan(200);
    }

    @Test
    void aBodyThatEndsBeforeItsDeclaredLengthIsA400() throws Exception {
      FakeHttp.Response response = call(api, FakeHttp.truncated("POST", "/prompt", "{\"prompt\":".getBytes(StandardCharsets.UTF_8), 1000));
      assertThat(response.status).isEqualTo(400);
      assertThat(response.text()).contains("could not be read to its end");
    }
  }

  @Nested
  class Cycles {
    @Test
    void aLinkChainBackToItselfIsA400DependencyCycle() throws Exception {
      String prompt = """
          {"8": {"class_type": "VAEDecode", "inputs": {"samples": ["10", 0], "vae": ["4", 2]}},
           "10": {"class_type": "VAEEncode", "inputs": {"pixels": ["8", 0], "vae": ["4", 2]}},
           "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "dreamshaper_8.safetensors"}},
           "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x", "images": ["8", 0]}}}""";
      JsonNode body = refused(call(validating, FakeHttp.request("POST", "/prompt", "{\"prompt\":" + prompt + "}")),
          400, "prompt_outputs_failed_validation");
      assertThat(body.at("/node_errors/8/errors/0/type").asText()).isEqualTo("dependency_cycle");
      assertThat(body.at("/node_errors/10/errors/0/extra_info/cycle_nodes")).extracting(JsonNode::asText)
          .containsExactlyInAnyOrder("8", "10");
    }

    @Test
    void aNodeLinkedToItselfIsA400DependencyCycle() throws Exception {
      String prompt = """
          {"3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 8, "sampler_name": "euler",
             "scheduler": "normal", "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["6", 0],
             "latent_image": ["3", 0]}},
           "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "dreamshaper_8.safetensors"}},
           "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox", "clip": ["4", 1]}},
           "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
           "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x", "images": ["8", 0]}}}""";
      JsonNode body = refused(call(validating, FakeHttp.request("POST", "/prompt", "{\"prompt\":" + prompt + "}")),
          400, "prompt_outputs_failed_validation");
      assertThat(body.at("/node_errors/3/errors/0/type").asText()).isEqualTo("dependency_cycle");
      assertThat(body.at("/node_errors/3/errors/0/details").asText()).isEqualTo("3 (KSampler) -> 3 (KSampler)");
    }
  }

  @Nested
  class ControlBodies {
    @Test
    void aControlBodyUpToItsLimitIsReadAndOnePastIsA413() throws Exception {
      String body = "{\"clear\":false}";
      byte[] atLimit = (body + " ".repeat(InputLimits.CONTROL_BODY_BYTES - body.length())).getBytes(StandardCharsets.UTF_8);
      assertThat(call(api, FakeHttp.request("POST", "/queue", atLimit, "application/json")).status).isEqualTo(200);
      byte[] past = java.util.Arrays.copyOf(atLimit, atLimit.length + 1);
      past[past.length - 1] = ' ';
      FakeHttp.Response refused = call(api, FakeHttp.request("POST", "/history", past, "application/json"));
      assertThat(refused.status).isEqualTo(413);
      assertThat(refused.text()).isEqualTo("413: Request Entity Too Large: the body is " + past.length
          + " bytes; the limit here is " + InputLimits.CONTROL_BODY_BYTES + " bytes");
    }

    @Test
    void upToTheDeleteLimitIsAcceptedAndOneIdMoreIsA413() throws Exception {
      String ids = String.join(",", java.util.Collections.nCopies(InputLimits.DELETE_IDS, "\"" + java.util.UUID.randomUUID() + "\""));
      assertThat(call(api, FakeHttp.request("POST", "/queue", "{\"delete\":[" + ids + "]}")).status).isEqualTo(200);
      FakeHttp.Response past = call(api, FakeHttp.request("POST", "/history", "{\"delete\":[" + ids + ",\"x\"]}"));
      assertThat(past.status).isEqualTo(413);
      assertThat(past.text()).isEqualTo("413: Request Entity Too Large: delete lists " + (InputLimits.DELETE_IDS + 1)
          + " ids; at most " + InputLimits.DELETE_IDS + " per request");
    }

    @Test
    void deepOrMalformedControlBodiesAre400WithTheReason() throws Exception {
      FakeHttp.Response deep = call(api, FakeHttp.request("POST", "/queue", "[".repeat(10_000)));
      assertThat(deep.status).isEqualTo(400);
      assertThat(deep.text()).isEqualTo("400: Bad Request: the JSON is nested more than 64 levels deep");
      FakeHttp.Response invalid = call(api, FakeHttp.request("POST", "/history", "{\"delete\": [}"));
      assertThat(invalid.status).isEqualTo(400);
      assertThat(invalid.text()).startsWith("400: Bad Request: the body is not valid JSON: ");
    }

    @Test
    void anUnreadableInterruptBodyIsStillReadAsEmptyAsInComfyUI() throws Exception {
      assertThat(call(api, FakeHttp.request("POST", "/interrupt", "[".repeat(10_000))).status).isEqualTo(200);
    }
  }

  @Nested
  class QueryStrings {
    @ParameterizedTest
    @ValueSource(strings = {"/history?max_items=%zz", "/history?offset=%", "/view?filename=%zz", "/view?filename=a.png&type=%g0"})
    void aQueryThatIsNotPercentEncodedIsA400(String path) throws Exception {
      FakeHttp.Response response = call(api, FakeHttp.request("GET", path, null));
      assertThat(response.status).isEqualTo(400);
      assertThat(response.text()).isEqualTo("400: Bad Request: the query string is not percent-encoded UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"max_items=abc", "max_items=99999999999", "offset=1.5", "offset=", "max_items=0x10"})
    void aHistoryParameterThatIsNotAnIntIsA400(String query) throws Exception {
      FakeHttp.Response response = call(api, FakeHttp.request("GET", "/history?" + query, null));
      assertThat(response.status).isEqualTo(400);
      String name = query.substring(0, query.indexOf('='));
      String value = query.substring(query.indexOf('=') + 1);
      assertThat(response.text()).isEqualTo("400: Bad Request: " + name + " must be an integer, got '" + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"max_items=-5", "offset=-99999", "max_items=0&offset=2147483647"})
    void negativeAndExtremeHistoryParametersAreAnswered(String query) throws Exception {
      assertThat(call(api, FakeHttp.request("GET", "/history?" + query, null)).status).isEqualTo(200);
    }
  }

  @Nested
  class Uploads {
    private FakeHttp.Response upload(String filename, byte[] content) throws Exception {
      Map<String, Object> form = new LinkedHashMap<>();
      form.put("image", new FakeHttp.FilePart(filename, content));
      return call(api, FakeHttp.multipart("/upload/image", form));
    }

    @Test
    void aFileNameUpToItsLimitInUtf8BytesIsStoredAndOneByteMoreIsA400() throws Exception {
      String atLimit = "a".repeat(251) + ".png";
      assertThat(upload(atLimit, ImageKindsTest.png(1, 1)).status).isEqualTo(200);
      assertThat(upload("a" + atLimit, ImageKindsTest.png(1, 1)).status).isEqualTo(400);
      // 'é' is two bytes in UTF-8: 125 of them and ".png" are 254 bytes, 126 are 256.
      assertThat(upload("é".repeat(125) + ".png", ImageKindsTest.png(1, 1)).status).isEqualTo(200);
      FakeHttp.Response past = upload("é".repeat(126) + ".png", ImageKindsTest.png(1, 1));
      assertThat(past.status).isEqualTo(400);
      assertThat(past.text()).contains("not a plain relative path");
      assertThat(files.objects).hasSize(2);
    }

    @Test
    void aNameAtItsLimitIsNotRenamedPastIt() throws Exception {
      String atLimit = "a".repeat(251) + ".png";
      assertThat(upload(atLimit, ImageKindsTest.png(1, 1)).status).isEqualTo(200);
      FakeHttp.Response clash = upload(atLimit, ImageKindsTest.png(2, 2));
      assertThat(clash.status).isEqualTo(409);
      assertThat(clash.text()).contains("a renamed copy would pass 255 bytes");
      assertThat(files.objects).hasSize(1);

      String roomForOneRename = "b".repeat(247) + ".png";
      assertThat(upload(roomForOneRename, ImageKindsTest.png(1, 1)).status).isEqualTo(200);
      FakeHttp.Response renamed = upload(roomForOneRename, ImageKindsTest.png(2, 2));
      assertThat(JSON.readTree(renamed.text()).get("name").asText()).isEqualTo("b".repeat(247) + " (1).png");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000.png", "a\u0085.png", "gnp.\u202Eexe", "\uFEFFa.png", "a\u2028b.png", "..", "a\\b.png"})
    void aFileNameWithControlOrInvisibleCharactersIsA400(String filename) throws Exception {
      assertThat(upload(filename, ImageKindsTest.png(1, 1)).status).isEqualTo(400);
      assertThat(files.objects).isEmpty();
    }

    @Test
    void bytesThatAreNoImageAre415WhateverTheNameSays() throws Exception {
      FakeHttp.Response text = upload("cat.png", "just text".getBytes(StandardCharsets.UTF_8));
      assertThat(text.status).isEqualTo(415);
      assertThat(text.text()).isEqualTo("415: Unsupported Media Type: only PNG, JPEG, WebP and GIF images are accepted");
      byte[] truncated = java.util.Arrays.copyOf(ImageKindsTest.png(1, 1), 20);
      assertThat(upload("cat.png", truncated).status).as("a signature without its size").isEqualTo(415);
      assertThat(upload("cat.png", new byte[] {'B', 'M', 0, 0}).status).as("BMP is not accepted").isEqualTo(415);
      assertThat(files.objects).isEmpty();
    }

    @Test
    void anImageUpToItsPixelLimitIsStoredAndOnePixelMoreIsA413() throws Exception {
      assertThat(upload("tall.png", ImageKindsTest.png(1, InputLimits.UPLOAD_PIXELS)).status).isEqualTo(200);
      FakeHttp.Response past = upload("taller.png", ImageKindsTest.png(1, InputLimits.UPLOAD_PIXELS + 1));
      assertThat(past.status).isEqualTo(413);
      assertThat(past.text()).isEqualTo("413: Request Entity Too Large: the image is 1x89478486 pixels; at most 89478485 "
          + "pixels are accepted");
      assertThat(upload("bomb.png", ImageKindsTest.png(0xffffffffL, 0xffffffffL)).status).isEqualTo(413);
      assertThat(files.objects).hasSize(1);
    }

    @Test
    void anUploadBodyUpToItsLimitIsStoredAndOneBytePastIsA413() throws Exception {
      FakeHttp.Request empty = FakeHttp.multipart("/upload/image", Map.of("image", new FakeHttp.FilePart("big.png", ImageKindsTest.png(1, 1))));
      int room = InputLimits.UPLOAD_BODY_BYTES - (int) empty.getContentLength();
      byte[] padded = java.util.Arrays.copyOf(ImageKindsTest.png(1, 1), ImageKindsTest.png(1, 1).length + room);
      FakeHttp.Request atLimit = FakeHttp.multipart("/upload/image", Map.of("image", new FakeHttp.FilePart("big.png", padded)));
      assertThat(atLimit.getContentLength()).isEqualTo(InputLimits.UPLOAD_BODY_BYTES);
      assertThat(call(api, atLimit).status).isEqualTo(200);

      byte[] past = java.util.Arrays.copyOf(padded, padded.length + 1);
      FakeHttp.Response response = call(api, FakeHttp.multipart("/upload/image", Map.of("image", new FakeHttp.FilePart("bigger.png", past))));
      assertThat(response.status).isEqualTo(413);
      assertThat(files.objects).containsOnlyKeys("inputs/alice/big.png");
    }

    @Test
    void aBoundaryLongerThanRfc2046AllowsIsA400() throws Exception {
      String boundary = "b".repeat(71);
      byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(body);
      out.writeBytes(ImageKindsTest.png(1, 1));
      out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
      FakeHttp.Response response = call(api, FakeHttp.request("POST", "/upload/image", out.toByteArray(),
          "multipart/form-data; boundary=" + boundary));
      assertThat(response.status).isEqualTo(400);
      assertThat(response.text()).contains("boundary of more than 70");
    }

    @Test
    void aMaskIsDecodedOnlyUpToItsPixelLimit() throws Exception {
      assertThat(upload("photo.png", ImageKindsTest.decodablePng(1, 1)).status).isEqualTo(200);
      Map<String, Object> form = new LinkedHashMap<>();
      form.put("image", new FakeHttp.FilePart("mask.png", ImageKindsTest.png(1, InputLimits.MASK_PIXELS + 1)));
      form.put("original_ref", "{\"filename\":\"photo.png\",\"type\":\"input\"}");
      FakeHttp.Response past = call(api, FakeHttp.multipart("/upload/mask", form));
      assertThat(past.status).as(past.text()).isEqualTo(413);

      form.put("image", new FakeHttp.FilePart("mask.png", ImageKindsTest.png(1, InputLimits.MASK_PIXELS)));
      FakeHttp.Response atLimit = call(api, FakeHttp.multipart("/upload/mask", form));
      assertThat(atLimit.status).as("decoded, then found to have no pixel data").isEqualTo(400);
      assertThat(atLimit.text()).startsWith("400: Bad Request: the mask cannot be decoded");
    }
  }
}
