package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.userdata.UserDataPaths;
import dev.darkroom.core.userdata.UserDataRefusal;
import dev.darkroom.core.userdata.UserSettings;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import java.io.IOException;
import java.util.List;

/**
 * ComfyUI's settings (app/app_settings.py): {@code GET|POST /settings} and {@code GET|POST /settings/{id}},
 * the caller's own, kept in their {@code comfy.settings.json} ({@link UserSettings}). A body that is no
 * JSON (ComfyUI: an unhandled 500) is a 400 here.
 */
public final class SettingsRoutes implements RouteGroup {
  private static final String PREFIX = "/settings/";

  private final UserSettings settings;

  public SettingsRoutes(UserSettings settings) {
    this.settings = settings;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", "/settings", this::all),
        new Route("POST", "/settings", this::merge),
        new Route("GET", "/settings/{id}", this::one),
        new Route("POST", "/settings/{id}", this::set));
  }

  /** app_settings.py {@code get_settings}: every setting, {@code {}} when none. */
  void all(Call call) throws IOException {
    Replies.json(call.response(), 200, settings.all(call.user()));
  }

  /** app_settings.py {@code get_setting}: the value, or {@code null} when it is not set. */
  void one(Call call) throws IOException {
    Replies.json(call.response(), 200, settings.one(call.user(), id(call)));
  }

  /** app_settings.py {@code post_settings}: merged over the stored ones, {@code 200} with no body. */
  void merge(Call call) throws IOException {
    ObjectNode changes = (ObjectNode) RequestBodies.jsonObject(call.request());
    save(call, () -> settings.merge(call.user(), changes));
  }

  /** app_settings.py {@code post_setting}: any JSON value, {@code 200} with no body. */
  void set(Call call) throws IOException {
    com.fasterxml.jackson.databind.JsonNode value = RequestBodies.jsonValue(call.request());
    String id = id(call);
    save(call, () -> settings.set(call.user(), id, value));
  }

  /** Settings count against the user's files' limits, the one refusal a save can meet. */
  private static void save(Call call, Runnable write) throws IOException {
    try {
      write.run();
    } catch (UserDataRefusal refusal) {
      Replies.text(call.response(), 413, "413: Request Entity Too Large: " + refusal.getMessage());
      return;
    }
    Replies.ack(call.response());
  }

  private static String id(Call call) {
    return UserDataPaths.decodeSegment(call.path().substring(PREFIX.length()));
  }
}
