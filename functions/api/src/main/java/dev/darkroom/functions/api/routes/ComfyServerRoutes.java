package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.userdata.UserData;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import java.io.IOException;
import java.util.List;

/**
 * ComfyUI's routes about the server rather than a job or a file, answered as ComfyUI answers them, with
 * what is true of Darkroom: {@code GET|POST /users} (app/user_manager.py), {@code GET /extensions} and
 * {@code POST /free} (server.py).
 */
public final class ComfyServerRoutes implements RouteGroup {
  /** What {@code POST /users} answers: accounts are Firebase Authentication's, not this server's. */
  static final String NO_USER_CREATION = "Users are not created here: sign up with Darkroom's sign-in "
      + "(Firebase Authentication); every request acts as the signed-in user.";

  private final UserData data;

  public ComfyServerRoutes(UserData data) {
    this.data = data;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", "/users", this::users),
        new Route("POST", "/users", this::addUser),
        new Route("GET", "/extensions", this::extensions),
        new Route("POST", "/free", this::free));
  }

  /**
   * user_manager.py {@code get_users}, single-user form: each caller is one user (who they are is their
   * credential, never a {@code comfy-user} header), so the frontend asks no one to pick a user.
   * {@code migrated}: whether the caller's directory exists, i.e. they have stored something.
   */
  void users(Call call) throws IOException {
    Replies.json(call.response(), 200, Replies.JSON.createObjectNode().put("storage", "server")
        .put("migrated", data.hasAny(call.user())));
  }

  /** user_manager.py {@code post_users} refuses with 400 and {@code {"error": ...}}; so do we, always, saying why. */
  void addUser(Call call) throws IOException {
    Replies.json(call.response(), 400, Replies.JSON.createObjectNode().put("error", NO_USER_CREATION));
  }

  /** server.py {@code get_extensions}: the frontend's extension scripts. Darkroom serves none. */
  void extensions(Call call) throws IOException {
    Replies.json(call.response(), 200, Replies.JSON.createArrayNode());
  }

  /**
   * server.py {@code post_free}: {@code {unload_models, free_memory}}, {@code 200} with no body. There is
   * no engine that stays up between a user's jobs (each GPU task ends when it is idle), so there is
   * nothing to free: the body is read as ComfyUI reads it and nothing else happens.
   */
  void free(Call call) throws IOException {
    JsonNode body = RequestBodies.json(RequestBodies.read(call.request(), InputLimits.CONTROL_BODY_BYTES))
        .orElseThrow(() -> Replies.Refusal.badRequest("the body must be JSON, e.g. {\"unload_models\": true}"));
    if (!body.isObject()) {
      throw Replies.Refusal.badRequest("the body must be a JSON object, e.g. {\"unload_models\": true}");
    }
    Replies.ack(call.response());
  }
}
