package dev.darkroom.core.userdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.port.UserFiles;
import java.io.IOException;

/**
 * ComfyUI's settings (app/app_settings.py): one JSON object per user in {@code comfy.settings.json}
 * among their files, so {@code /userdata/comfy.settings.json} shows it too, as in ComfyUI. A file that
 * is not a JSON object reads as no settings ({@code {}}), as ComfyUI reads a corrupt one. Two writes at
 * once may lose one's change, as in ComfyUI (read, change, write).
 */
public final class UserSettings {
  /** ComfyUI's name for the settings file. */
  public static final String FILE = "comfy.settings.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final UserFiles files;
  private final UserData data;

  public UserSettings(UserFiles files) {
    this.files = files;
    this.data = new UserData(files);
  }

  /** Every setting of the user. */
  public ObjectNode all(String user) {
    return files.read(user, FILE).flatMap(UserSettings::parse).orElseGet(JSON::createObjectNode);
  }

  /** One setting, or JSON {@code null} when it is not set. */
  public JsonNode one(String user, String id) {
    JsonNode value = all(user).get(id);
    return value == null ? NullNode.getInstance() : value;
  }

  /** {@code POST /settings}: the given settings replace those of the same ids, the rest stay. */
  public void merge(String user, ObjectNode changes) {
    ObjectNode settings = all(user);
    settings.setAll(changes);
    save(user, settings);
  }

  /** {@code POST /settings/{id}}. */
  public void set(String user, String id, JsonNode value) {
    ObjectNode settings = all(user);
    settings.set(id, value);
    save(user, settings);
  }

  private void save(String user, ObjectNode settings) {
    try {
      data.write(user, FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(settings), true);
    } catch (IOException e) {
      throw new IllegalStateException("settings that were parsed cannot fail to print", e);
    }
  }

  private static java.util.Optional<ObjectNode> parse(byte[] content) {
    try {
      JsonNode node = JSON.readTree(content);
      return node instanceof ObjectNode object ? java.util.Optional.of(object) : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }
}
