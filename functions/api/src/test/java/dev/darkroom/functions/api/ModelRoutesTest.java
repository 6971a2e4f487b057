package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ModelRoutesTest {
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), new InMemoryOutputStore(),
      new InMemoryLedger(), null, ApiFixture.as(() -> "bob"));
  /** The fixture's store is shared by every fixture: this test's models have names of their own. */
  private final String prefix = "routes-" + UUID.randomUUID();

  private ModelRecord model(String folder, String name, State state) {
    return ApiFixture.MODELS.put(new ModelRecord(folder, prefix + name, 42, 1234,
        state == State.READY ? "ab".repeat(32) : null, state, state == State.REFUSED ? "checksum mismatch" : null,
        state == State.READY ? 2 : 0, new TreeMap<>(Map.of()), ApiFixture.CLOCK.instant(), "admin-1"));
  }

  private List<JsonNode> ours(FakeHttp.Response response) throws Exception {
    assertThat(response.status).isEqualTo(200);
    List<JsonNode> listed = new ArrayList<>();
    new ObjectMapper().readTree(response.text()).path("models").forEach(model -> {
      if (model.path("name").asText().startsWith(prefix)) {
        listed.add(model);
      }
    });
    return listed;
  }

  @Test
  void anyUserListsEveryModelWithItsStateOrderedByFolderThenName() throws Exception {
    model("loras", "-b.safetensors", State.READY);
    model("loras", "-a.safetensors", State.REFUSED);
    model("checkpoints", "-c.safetensors", State.CHECKING);

    List<JsonNode> listed = ours(FakeHttp.call(api, "GET", "/api/v2/models", null));
    assertThat(listed).extracting(m -> m.path("folder").asText() + "/" + m.path("name").asText().substring(prefix.length()))
        .containsExactly("checkpoints/-c.safetensors", "loras/-a.safetensors", "loras/-b.safetensors");
    JsonNode ready = listed.get(2);
    assertThat(ready.path("state").asText()).isEqualTo("ready");
    assertThat(ready.path("sha256").asText()).isEqualTo("ab".repeat(32));
    assertThat(ready.path("size").asLong()).isEqualTo(1234);
    assertThat(ready.path("added_by").asText()).isEqualTo("admin-1");
    assertThat(ready.path("added_at").asText()).isEqualTo(ApiFixture.CLOCK.instant().toString());
    assertThat(ready.path("reason").isNull()).isTrue();
    assertThat(listed.get(1).path("state").asText()).isEqualTo("refused");
    assertThat(listed.get(1).path("reason").asText()).isEqualTo("checksum mismatch");
    assertThat(listed.get(0).path("state").asText()).isEqualTo("checking");
  }

  @Test
  void aFolderFiltersAndAnUnknownFolderIsRefused() throws Exception {
    model("loras", "-a.safetensors", State.READY);
    model("vae", "-b.safetensors", State.READY);

    assertThat(ours(FakeHttp.call(api, "GET", "/api/v2/models?folder=vae", null)))
        .extracting(m -> m.path("folder").asText()).containsExactly("vae");
    FakeHttp.Response unknown = FakeHttp.call(api, "GET", "/api/v2/models?folder=..%2Fsecrets", null);
    assertThat(unknown.status).isEqualTo(400);
    assertThat(unknown.text()).contains("one of ComfyUI's model folders");
  }
}
