package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.limits.DocumentIds;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.DeliveryLog;
import dev.darkroom.core.port.DeviceTokens;
import dev.darkroom.core.port.EmailRecipients;
import dev.darkroom.core.usecase.RegisterWebhooks;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.JobListings;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where a user's job notifications go: {@code /api/v2/webhooks} (register, list, rotate, delete
 * endpoints; secrets shown once; each one's latest delivery attempts), {@code /api/v2/devices/{token}} (FCM tokens) and
 * {@code /api/v2/notifications/email} (opt in or out of mail). Unlike key creation, API keys may
 * use these too: a server integration registers its own webhook.
 */
public final class NotificationRoutes implements RouteGroup {
  private static final Set<String> PLATFORMS = Set.of("android", "ios", "web");
  /** FCM tokens are URL-safe base64 with ':' and '-' '_'; bounded so a path cannot be abused. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_:\\-.]{1,4096}");
  /** Deliberately simple: one @, no spaces, a dot in the domain; the mail server has the last word. */
  private static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>,;]{1,64}@[^@\\s\"<>,;]+\\.[^@\\s\"<>,;.]+");
  private static final int MAX_URL_LENGTH = 2048;

  private final RegisterWebhooks webhooks;
  private final DeviceTokens devices;
  private final EmailRecipients email;
  private final DeliveryLog deliveries;

  public NotificationRoutes(RegisterWebhooks webhooks, DeviceTokens devices, EmailRecipients email,
                            DeliveryLog deliveries) {
    this.webhooks = webhooks;
    this.devices = devices;
    this.email = email;
    this.deliveries = deliveries;
  }

  /** Where endpoints are registered: deployment runs register their {@code webhook} there too. */
  public RegisterWebhooks webhooks() {
    return webhooks;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("POST", "/v2/webhooks", this::createWebhook),
        new Route("GET", "/v2/webhooks", this::listWebhooks),
        new Route("DELETE", "/v2/webhooks/{id}", this::deleteWebhook),
        new Route("POST", "/v2/webhooks/{id}/rotate", this::rotateWebhook),
        new Route("GET", "/v2/webhooks/{id}/deliveries", this::webhookDeliveries),
        new Route("GET", "/v2/devices", this::listDevices),
        new Route("PUT", "/v2/devices/{token}", this::putDevice),
        new Route("DELETE", "/v2/devices/{token}", this::deleteDevice),
        new Route("PUT", "/v2/notifications/email", this::putEmail),
        new Route("GET", "/v2/notifications/email", this::getEmail),
        new Route("DELETE", "/v2/notifications/email", this::deleteEmail));
  }

  void createWebhook(Call call) throws IOException {
    JsonNode json = body(call);
    if (json == null || !json.isObject() || !json.path("url").isTextual()
        || (json.has("job_id") && !json.get("job_id").isTextual() && !json.get("job_id").isNull())) {
      Replies.apiError(call.response(), 400, "the body must be a JSON object {\"url\": \"https://...\", \"job_id\"?: \"...\"}");
      return;
    }
    String url = json.get("url").asText();
    if (url.length() > MAX_URL_LENGTH) {
      Replies.apiError(call.response(), 400, "\"url\" is longer than " + MAX_URL_LENGTH + " characters");
      return;
    }
    String jobId = json.path("job_id").isTextual() ? json.get("job_id").asText() : null;
    try {
      showSecret(call, 201, webhooks.register(call.user(), url, jobId));
    } catch (RegisterWebhooks.Refused refused) {
      Replies.apiError(call.response(), refused.status(), refused.getMessage());
    }
  }

  void listWebhooks(Call call) throws IOException {
    ObjectNode reply = Replies.JSON.createObjectNode();
    var array = reply.putArray("webhooks");
    webhooks.list(call.user()).forEach(endpoint -> array.add(describe(endpoint)));
    Replies.json(call.response(), 200, reply);
  }

  /** {@code DELETE /v2/webhooks/{id}}, and {@code POST /v2/webhooks/{id}/rotate} (routed here by prefix). */
  void deleteWebhook(Call call) throws IOException {
    String id = call.path().substring("/v2/webhooks/".length());
    if (!id.contains("/") && webhooks.delete(call.user(), id)) {
      call.response().setStatusCode(204);
    } else {
      Replies.apiError(call.response(), 404, "no webhook endpoint of yours has this id");
    }
  }

  void rotateWebhook(Call call) throws IOException {
    String rest = call.path().substring("/v2/webhooks/".length());
    if (!rest.endsWith("/rotate") || rest.indexOf('/') != rest.length() - "/rotate".length()) {
      Replies.text(call.response(), 404, "404: Not Found");
      return;
    }
    Optional<RegisterWebhooks.Registered> rotated =
        webhooks.rotate(call.user(), rest.substring(0, rest.length() - "/rotate".length()));
    if (rotated.isEmpty()) {
      Replies.apiError(call.response(), 404, "no webhook endpoint of yours has this id");
      return;
    }
    showSecret(call, 200, rotated.get());
  }

  /**
   * {@code GET /v2/webhooks/{id}/deliveries[?limit=]}: the latest attempts to one of the caller's
   * endpoints, newest first. Another user's endpoint answers exactly as one that never existed.
   */
  void webhookDeliveries(Call call) throws IOException {
    String id = call.path().split("/")[3];
    int limit = JobListings.limit(call.query("limit"));
    if (webhooks.list(call.user()).stream().noneMatch(endpoint -> endpoint.id().equals(id))) {
      Replies.apiError(call.response(), 404, "no webhook endpoint of yours has this id");
      return;
    }
    ObjectNode reply = Replies.JSON.createObjectNode();
    reply.put("webhook_id", id);
    var array = reply.putArray("deliveries");
    deliveries.latest(id, limit).forEach(attempt -> array.add(describe(attempt)));
    Replies.json(call.response(), 200, reply);
  }

  /** One attempt as its owner sees it: {@code retry} is shown as {@code failed} (it is tried again). */
  private static ObjectNode describe(DeliveryAttempt attempt) {
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("notification_id", attempt.notificationId());
    node.put("job_id", attempt.jobId());
    node.put("event", attempt.event());
    node.put("attempt", attempt.attempt());
    node.put("at", attempt.at().toString());
    node.put("outcome", switch (attempt.outcome()) {
      case DELIVERED -> "delivered";
      case RETRY -> "failed";
      case GAVE_UP -> "given_up";
    });
    node.put("status_code", attempt.statusCode());
    node.put("error", attempt.error());
    node.put("duration_ms", attempt.duration() == null ? null : attempt.duration().toMillis());
    return node;
  }

  void putDevice(Call call) throws IOException {
    String token = DocumentIds.requireStorable("the device token", call.path().substring("/v2/devices/".length()));
    if (!TOKEN.matcher(token).matches()) {
      Replies.apiError(call.response(), 400, "the path must end in an FCM registration token");
      return;
    }
    JsonNode json = body(call);
    String platform = json == null ? "unknown" : json.path("platform").asText("");
    if (json != null && (!json.isObject() || !PLATFORMS.contains(platform))) {
      Replies.apiError(call.response(), 400, "the body is optional, else {\"platform\": \"android\" | \"ios\" | \"web\"}");
      return;
    }
    devices.register(token, call.user(), platform);
    ObjectNode reply = Replies.JSON.createObjectNode();
    reply.put("token", token).put("platform", platform);
    Replies.json(call.response(), 200, reply);
  }

  void deleteDevice(Call call) throws IOException {
    String token = DocumentIds.requireStorable("the device token", call.path().substring("/v2/devices/".length()));
    if (!devices.forUser(call.user()).contains(token)) {
      Replies.apiError(call.response(), 404, "no device of yours has this token");
      return;
    }
    devices.remove(token);
    call.response().setStatusCode(204);
  }

  void listDevices(Call call) throws IOException {
    ObjectNode reply = Replies.JSON.createObjectNode();
    var array = reply.putArray("devices");
    devices.forUser(call.user()).forEach(token -> array.addObject().put("token", token));
    Replies.json(call.response(), 200, reply);
  }

  void putEmail(Call call) throws IOException {
    JsonNode json = body(call);
    String address = json == null ? "" : json.path("address").asText("").trim();
    if (json == null || !json.isObject() || address.length() > 254 || !EMAIL.matcher(address).matches()) {
      Replies.apiError(call.response(), 400, "the body must be {\"address\": \"you@example.com\"} with a valid email address");
      return;
    }
    email.optIn(call.user(), address);
    Replies.json(call.response(), 200, emailState(Optional.of(address)));
  }

  void getEmail(Call call) throws IOException {
    Replies.json(call.response(), 200, emailState(email.addressOf(call.user())));
  }

  void deleteEmail(Call call) throws IOException {
    email.optOut(call.user());
    call.response().setStatusCode(204);
  }

  private static ObjectNode emailState(Optional<String> address) {
    ObjectNode reply = Replies.JSON.createObjectNode();
    reply.put("enabled", address.isPresent());
    reply.put("address", address.orElse(null));
    return reply;
  }

  /** The parsed body, or null when there is none; unparsable JSON is a {@code MissingNode}. */
  private static JsonNode body(Call call) {
    byte[] body = RequestBodies.read(call.request(), InputLimits.CONTROL_BODY_BYTES);
    if (body.length == 0) {
      return null;
    }
    return RequestBodies.json(body).orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
  }

  private static void showSecret(Call call, int status, RegisterWebhooks.Registered registered) throws IOException {
    ObjectNode reply = describe(registered.endpoint());
    reply.put("secret", registered.secret());
    reply.put("note", "Store this secret now: Darkroom cannot show it again.");
    call.response().appendHeader("Cache-Control", "no-store");
    Replies.json(call.response(), status, reply);
  }

  private static ObjectNode describe(WebhookEndpoint endpoint) {
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("id", endpoint.id());
    node.put("url", endpoint.url());
    node.put("job_id", endpoint.jobId());
    node.put("created_at", endpoint.createdAt() == null ? null : endpoint.createdAt().toString());
    return node;
  }
}
