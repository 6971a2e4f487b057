package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.userdata.UserData;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * ComfyUI's user data, settings, users, extensions and free routes (issue 23 item 1), each case derived
 * from ComfyUI's source at the pinned commit: app/user_manager.py, app/app_settings.py, server.py.
 */
class UserDataRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private String user = "ud-" + UUID.randomUUID();
  private final ComfyApi api = ApiFixture.api(new InMemoryJobStore(), new RecordingJobQueue(), new InMemoryOutputStore(),
      new InMemoryLedger(), null, ApiFixture.as(() -> user));

  private FakeHttp.Response call(String method, String path, String body) throws Exception {
    return FakeHttp.call(api, method, path, body);
  }

  private JsonNode json(FakeHttp.Response response) throws Exception {
    return JSON.readTree(response.text());
  }

  // user_manager.py post_userdata: the body is the file; the answer is its path relative to the user's directory.
  @Test
  void aWrittenFileIsReadBackListedAndDeleted() throws Exception {
    FakeHttp.Response written = call("POST", "/api/userdata/workflows/a.json", "{\"nodes\":[]}");
    assertThat(written.status).isEqualTo(200);
    assertThat(json(written).asText()).isEqualTo("workflows/a.json");

    FakeHttp.Response read = call("GET", "/api/userdata/workflows/a.json", null);
    assertThat(read.status).isEqualTo(200);
    assertThat(read.text()).isEqualTo("{\"nodes\":[]}");
    assertThat(read.contentType).startsWith("application/json");

    assertThat(json(call("GET", "/api/userdata?dir=workflows", null))).containsExactly(JSON.valueToTree("a.json"));
    // user_manager.py delete_userdata: 204, then the file is gone (get_user_data_path check_exists: 404).
    assertThat(call("DELETE", "/api/userdata/workflows/a.json", null).status).isEqualTo(204);
    assertThat(call("GET", "/api/userdata/workflows/a.json", null).status).isEqualTo(404);
    assertThat(call("DELETE", "/api/userdata/workflows/a.json", null).status).isEqualTo(404);
  }

  // user_manager.py get_request_user_filepath: a name with '%' is unquoted (again); one segment, as ComfyUI's clients send it.
  @Test
  void anEncodedNameInOneSegmentIsDecodedAsComfyUiDecodesIt() throws Exception {
    assertThat(json(call("POST", "/userdata/my%20flow.json", "{}")).asText()).isEqualTo("my flow.json");
    assertThat(call("GET", "/userdata/my%20flow.json", null).text()).isEqualTo("{}");
    assertThat(json(call("GET", "/userdata?dir=.", null))).containsExactly(JSON.valueToTree("my flow.json"));
  }

  // get_request_user_filepath: a path leaving the user's directory is None, which get_user_data_path answers 403.
  @Test
  void aPathLeavingTheUsersDirectoryIs403() throws Exception {
    assertThat(call("POST", "/userdata/a/../../b.json", "{}").status).isEqualTo(403);
    assertThat(call("GET", "/userdata/..%2F..%2Fsecrets", null).status).isIn(403, 404);
    assertThat(call("GET", "/userdata/%2E%2E/x.json", null).status).isEqualTo(403);
    assertThat(call("DELETE", "/userdata/%2E%2E/x.json", null).status).isEqualTo(403);
    // listuserdata: 403 "Invalid directory".
    FakeHttp.Response listing = call("GET", "/userdata?dir=..", null);
    assertThat(listing.status).isEqualTo(403);
    assertThat(listing.text()).isEqualTo("Invalid directory");
  }

  // listuserdata: no dir is 400 "Directory not provided"; a missing one 404 "Directory not found".
  @Test
  void aListingNeedsAnExistingDirectory() throws Exception {
    FakeHttp.Response none = call("GET", "/userdata", null);
    assertThat(none.status).isEqualTo(400);
    assertThat(none.text()).isEqualTo("Directory not provided");
    FakeHttp.Response missing = call("GET", "/userdata?dir=workflows", null);
    assertThat(missing.status).isEqualTo(404);
    assertThat(missing.text()).isEqualTo("Directory not found");
  }

  // listuserdata: recurse globs '**/*', full_info gives get_file_info, split gives [path, *parts]; glob skips dot names.
  @Test
  void aListingRecursesSplitsAndDescribesAsAsked() throws Exception {
    call("POST", "/userdata/w/a.json", "1");
    call("POST", "/userdata/w/sub/b.json", "22");
    call("POST", "/userdata/w/.hidden.json", "3");
    assertThat(json(call("GET", "/userdata?dir=w", null))).containsExactly(JSON.valueToTree("a.json"));
    assertThat(json(call("GET", "/userdata?dir=w&recurse=true", null)))
        .containsExactly(JSON.valueToTree("a.json"), JSON.valueToTree("sub/b.json"));
    assertThat(json(call("GET", "/userdata?dir=w&recurse=true&split=true", null)).get(1))
        .isEqualTo(JSON.readTree("[\"sub/b.json\",\"sub\",\"b.json\"]"));
    JsonNode info = json(call("GET", "/userdata?dir=w&recurse=true&full_info=true", null)).get(1);
    assertThat(info.get("path").asText()).isEqualTo("sub/b.json");
    assertThat(info.get("size").asLong()).isEqualTo(2);
    assertThat(info.get("modified").asDouble()).isEqualTo(ApiFixture.CLOCK.millis() / 1000.0);
    assertThat(info.has("created")).isTrue();
  }

  // post_userdata: overwrite=false on an existing file is 409 "File already exists"; full_info=true gives the file's info.
  @Test
  void overwriteFalseRefusesAnExistingFileAndFullInfoDescribesTheWrite() throws Exception {
    call("POST", "/userdata/a.json", "1");
    FakeHttp.Response refused = call("POST", "/userdata/a.json?overwrite=false", "2");
    assertThat(refused.status).isEqualTo(409);
    assertThat(refused.text()).isEqualTo("File already exists");
    assertThat(call("GET", "/userdata/a.json", null).text()).isEqualTo("1");
    JsonNode info = json(call("POST", "/userdata/a.json?full_info=true", "22"));
    assertThat(info.get("path").asText()).isEqualTo("a.json");
    assertThat(info.get("size").asLong()).isEqualTo(2);
  }

  // post_userdata: an OSError on open (a directory, or a file where a directory must be) is 400.
  @Test
  void writingOverADirectoryOrUnderAFileIs400() throws Exception {
    call("POST", "/userdata/d/f.json", "1");
    assertThat(call("POST", "/userdata/d", "x").status).isEqualTo(400);
    assertThat(call("POST", "/userdata/d/f.json/g.json", "x").status).isEqualTo(400);
  }

  // move_userdata: 404 for a missing source, 409 for overwrite=false on an existing destination, else the new path.
  @Test
  void aFileMovesAndTheMoveKeepsComfyUisRefusals() throws Exception {
    assertThat(call("POST", "/userdata/none.json/move/b.json", null).status).isEqualTo(404);
    call("POST", "/userdata/a.json", "A");
    call("POST", "/userdata/b.json", "B");
    assertThat(call("POST", "/userdata/a.json/move/b.json?overwrite=false", null).status).isEqualTo(409);
    FakeHttp.Response moved = call("POST", "/userdata/a.json/move/c.json", null);
    assertThat(moved.status).isEqualTo(200);
    assertThat(json(moved).asText()).isEqualTo("c.json");
    assertThat(call("GET", "/userdata/a.json", null).status).isEqualTo(404);
    assertThat(call("GET", "/userdata/c.json", null).text()).isEqualTo("A");
    // With plain slashes (an encoded slash never reaches the function), into a directory.
    assertThat(json(call("POST", "/userdata/c.json/move/archive/c.json?full_info=true", null)).get("path").asText())
        .isEqualTo("archive/c.json");
    // The destination leaving the user's directory is 403 (as the docstring says; ComfyUI itself errs with 500 here).
    assertThat(call("POST", "/userdata/b.json/move/%2E%2E/x.json", null).status).isEqualTo(403);
  }

  // list_userdata_v2: directories first then files by name, paths from the user's root; a new user's root is [].
  @Test
  void theV2ListingIsTheWholeTreeUnderThePath() throws Exception {
    assertThat(json(call("GET", "/v2/userdata", null))).isEmpty();
    call("POST", "/userdata/w/b.json", "1");
    call("POST", "/userdata/w/A/c.json", "22");
    call("POST", "/userdata/top.json", "3");
    JsonNode tree = json(call("GET", "/v2/userdata?path=w", null));
    assertThat(tree).extracting(e -> e.get("type").asText() + " " + e.get("path").asText())
        .containsExactly("directory w/A", "file w/b.json", "file w/A/c.json");
    assertThat(tree.get(2).get("size").asLong()).isEqualTo(2);
    assertThat(tree.get(0).has("size")).isFalse();
    // 404 "Requested path not found", 400 "Requested path is not a directory", 400 "Invalid path requested".
    FakeHttp.Response missing = call("GET", "/v2/userdata?path=nope", null);
    assertThat(missing.status).isEqualTo(404);
    assertThat(missing.text()).isEqualTo("Requested path not found");
    FakeHttp.Response file = call("GET", "/v2/userdata?path=top.json", null);
    assertThat(file.status).isEqualTo(400);
    assertThat(file.text()).isEqualTo("Requested path is not a directory");
    assertThat(call("GET", "/v2/userdata?path=..", null).text()).isEqualTo("Invalid path requested");
  }

  // Darkroom's limits (ComfyUI's only limit is its body size, answered 413).
  @Test
  void aFileOverTheLimitIs413() throws Exception {
    String big = "x".repeat((int) UserData.MAX_FILE_BYTES + 1);
    assertThat(call("POST", "/userdata/big.bin", big).status).isEqualTo(413);
    assertThat(call("GET", "/userdata/big.bin", null).status).isEqualTo(404);
  }

  // A user's files are theirs alone: another user gets 404 for each (SecurityMatrix-style).
  @Test
  void anotherUserSeesNoneOfTheFiles() throws Exception {
    call("POST", "/userdata/private/a.json", "mine");
    call("POST", "/settings/Comfy.Secret", "\"s\"");
    String owner = user;
    user = "ud-other-" + UUID.randomUUID();
    assertThat(call("GET", "/userdata/private/a.json", null).status).isEqualTo(404);
    assertThat(call("DELETE", "/userdata/private/a.json", null).status).isEqualTo(404);
    assertThat(call("POST", "/userdata/private/a.json/move/mine.json", null).status).isEqualTo(404);
    assertThat(call("GET", "/userdata?dir=private", null).status).isEqualTo(404);
    assertThat(call("GET", "/v2/userdata?path=private", null).status).isEqualTo(404);
    assertThat(json(call("GET", "/settings", null))).isEmpty();
    user = owner;
    assertThat(call("GET", "/userdata/private/a.json", null).text()).isEqualTo("mine");
  }

  // app_settings.py: GET {} when none, POST merges, POST /{id} sets any JSON, GET /{id} gives it or null.
  @Test
  void settingsAreKeptInTheUsersSettingsFile() throws Exception {
    assertThat(json(call("GET", "/api/settings", null))).isEmpty();
    assertThat(json(call("GET", "/api/settings/Comfy.Theme", null)).isNull()).isTrue();
    FakeHttp.Response merged = call("POST", "/api/settings", "{\"a\":1,\"b\":2}");
    assertThat(merged.status).isEqualTo(200);
    assertThat(merged.text()).isEmpty();
    call("POST", "/api/settings", "{\"b\":3}");
    assertThat(call("POST", "/api/settings/Comfy.Theme", "{\"dark\":true}").status).isEqualTo(200);
    assertThat(json(call("GET", "/api/settings", null)))
        .isEqualTo(JSON.readTree("{\"a\":1,\"b\":3,\"Comfy.Theme\":{\"dark\":true}}"));
    assertThat(json(call("GET", "/api/settings/Comfy.Theme", null))).isEqualTo(JSON.readTree("{\"dark\":true}"));
    // Stored where ComfyUI stores them: the user's comfy.settings.json.
    assertThat(json(call("GET", "/userdata/comfy.settings.json", null)).get("a").asInt()).isEqualTo(1);
    // A body that is no JSON: ComfyUI's request.json() fails with 500; Darkroom answers 400.
    assertThat(call("POST", "/api/settings", "{nope").status).isEqualTo(400);
    assertThat(call("POST", "/api/settings/x", "").status).isEqualTo(400);
  }

  // get_settings: a corrupt settings file reads as {}.
  @Test
  void aCorruptSettingsFileReadsAsNoSettings() throws Exception {
    call("POST", "/userdata/comfy.settings.json", "[not an object");
    assertThat(json(call("GET", "/settings", null))).isEmpty();
  }

  // user_manager.py get_users (single-user form): {"storage": "server", "migrated": <the user's directory exists>}.
  @Test
  void usersAnswersTheSingleUserFormAndRefusesToCreateOne() throws Exception {
    assertThat(json(call("GET", "/api/users", null))).isEqualTo(JSON.readTree("{\"storage\":\"server\",\"migrated\":false}"));
    call("POST", "/api/settings", "{\"a\":1}");
    assertThat(json(call("GET", "/api/users", null)).get("migrated").asBoolean()).isTrue();
    // post_users refuses with 400 {"error": ...}; users come from Firebase Authentication.
    FakeHttp.Response created = call("POST", "/api/users", "{\"username\":\"bob\"}");
    assertThat(created.status).isEqualTo(400);
    assertThat(json(created).get("error").asText()).contains("Firebase Authentication");
  }

  // server.py get_extensions: the web extension scripts; Darkroom serves none.
  @Test
  void extensionsAreNone() throws Exception {
    FakeHttp.Response extensions = call("GET", "/api/extensions", null);
    assertThat(extensions.status).isEqualTo(200);
    assertThat(json(extensions)).isEmpty();
  }

  // server.py post_free: {unload_models, free_memory} acknowledged with 200 and no body.
  @Test
  void freeIsAcknowledgedAsComfyUiAcknowledgesIt() throws Exception {
    FakeHttp.Response freed = call("POST", "/api/free", "{\"unload_models\":true,\"free_memory\":true}");
    assertThat(freed.status).isEqualTo(200);
    assertThat(freed.text()).isEmpty();
    assertThat(call("POST", "/free", "{}").status).isEqualTo(200);
    // request.json() on no JSON: ComfyUI 500, Darkroom 400.
    assertThat(call("POST", "/free", "nope").status).isEqualTo(400);
  }
}
