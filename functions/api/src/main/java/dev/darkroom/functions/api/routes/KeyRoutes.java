package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.StoredApiKey;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.usecase.ApiKeys;
import dev.darkroom.core.usecase.FreshSignIn;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code /api/v2/keys}: a user's API keys. {@code POST} creates one and shows it once;
 * {@code GET} lists them (prefix, name, dates; never the key); {@code DELETE /api/v2/keys/{id}}
 * revokes one. Only a signed-in user creates and revokes keys; a key may list its siblings. A key
 * is created only within minutes of a sign-in ({@link FreshSignIn}): an ID token that was ever in a
 * URL, and so in a log, must not mint a credential that never expires.
 */
public final class KeyRoutes implements RouteGroup {
  private final ApiKeys keys;
  private final FreshSignIn freshSignIn;

  public KeyRoutes(ApiKeys keys, FreshSignIn freshSignIn) {
    this.keys = keys;
    this.freshSignIn = freshSignIn;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("POST", "/v2/keys", this::create),
        new Route("GET", "/v2/keys", this::list),
        new Route("DELETE", "/v2/keys/", this::revoke));
  }

  void create(Call call) throws IOException {
    Optional<String> stale;
    try {
      stale = freshSignIn.refusal(call.caller(), bearerOf(call));
    } catch (AuthFailure failure) {
      boolean unavailable = failure.reason() == AuthFailure.Reason.UNAVAILABLE;
      error(call, unavailable ? 503 : 401, failure.getMessage());
      return;
    }
    if (stale.isPresent()) {
      error(call, 403, stale.get());
      return;
    }
    byte[] body = RequestBodies.read(call.request(), InputLimits.CONTROL_BODY_BYTES);
    String name = "";
    if (body.length > 0) {
      JsonNode json = RequestBodies.json(body).orElse(null);
      if (json == null || !json.isObject() || (json.has("name") && !json.get("name").isTextual())) {
        error(call, 400, "the body is optional, else a JSON object with an optional string \"name\"");
        return;
      }
      name = json.path("name").asText("");
    }
    ApiKeys.Creation creation = keys.create(call.caller(), name);
    if (creation instanceof ApiKeys.Creation.Refused refused) {
      error(call, refused.status(), refused.message());
      return;
    }
    ApiKeys.Creation.Created created = (ApiKeys.Creation.Created) creation;
    ObjectNode reply = describe(created.stored());
    reply.put("key", created.key());
    reply.put("note", "Store this key now: Darkroom keeps only a hash of it and cannot show it again.");
    call.response().appendHeader("Cache-Control", "no-store");
    Replies.json(call.response(), 201, reply);
  }

  void list(Call call) throws IOException {
    ObjectNode reply = Replies.JSON.createObjectNode();
    var array = reply.putArray("keys");
    keys.list(call.user()).forEach(key -> array.add(describe(key)));
    Replies.json(call.response(), 200, reply);
  }

  void revoke(Call call) throws IOException {
    String id = call.path().substring("/v2/keys/".length());
    ApiKeys.Revocation revocation = id.contains("/") ? ApiKeys.Revocation.NOT_FOUND : keys.revoke(call.caller(), id);
    switch (revocation) {
      case REVOKED -> call.response().setStatusCode(204);
      case NOT_WITH_A_KEY -> error(call, 403, "API keys are revoked with a Firebase ID token, not with a key");
      case NOT_FOUND -> error(call, 404, "no API key of yours has this id");
    }
  }

  /** The bearer credential of the call's {@code Authorization} header, or null. */
  private static String bearerOf(Call call) {
    String header = call.request().getFirstHeader("Authorization").orElse("").strip();
    int space = header.indexOf(' ');
    return space < 0 ? null : header.substring(space + 1).strip();
  }

  private static ObjectNode describe(StoredApiKey key) {
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("id", key.keyId());
    node.put("prefix", key.prefix());
    node.put("name", key.name());
    node.put("tier", key.tier());
    node.put("created_at", key.createdAt().toString());
    node.put("last_used_at", text(key.lastUsedAt()));
    node.put("revoked_at", text(key.revokedAt()));
    return node;
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }

  static void error(Call call, int status, String message) throws IOException {
    Replies.apiError(call.response(), status, message);
  }
}
