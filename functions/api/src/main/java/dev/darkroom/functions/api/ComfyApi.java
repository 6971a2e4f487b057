package dev.darkroom.functions.api;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.port.StoreUnavailableException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * ComfyUI's HTTP API over Darkroom's use cases. Every route answers under both {@code /x} and
 * {@code /api/x}, as ComfyUI does; callers see only their own jobs and files. A known path with
 * another method is {@code 405}, an unknown path {@code 404}, {@code OPTIONS} always {@code 200}.
 */
final class ComfyApi {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ComfyApi.class);

  @FunctionalInterface
  interface Handler {
    void handle(Call call) throws IOException;
  }

  /**
   * A path: exact, a template whose {@code {name}} segments each match one non-empty segment, or
   * (ending in {@code /}) a prefix followed by one more segment or more. An {@code open} route
   * needs no credential and is not counted against any caller's rates.
   */
  record Route(String method, String path, Handler handler, boolean open) {
    Route(String method, String path, Handler handler) {
      this(method, path, handler, false);
    }

    boolean matches(String requested) {
      if (path.contains("{")) {
        String[] want = path.split("/", -1);
        String[] got = requested.split("/", -1);
        if (want.length != got.length) {
          return false;
        }
        for (int i = 0; i < want.length; i++) {
          boolean any = want[i].startsWith("{") && want[i].endsWith("}");
          if (any ? got[i].isEmpty() : !want[i].equals(got[i])) {
            return false;
          }
        }
        return true;
      }
      return path.endsWith("/")
          ? requested.startsWith(path) && requested.length() > path.length()
          : requested.equals(path);
    }
  }

  private final List<Route> routes;
  private final Callers callers;
  private final Admission admission;

  ComfyApi(PromptRoutes prompts, QueueRoutes queue, HistoryRoutes history, FileRoutes files,
      CatalogRoutes catalog, KeyRoutes keys, JobRoutes jobs, JobEventStream jobEvents, OpenApiDocument openApi,
      NotificationRoutes notifications, Callers callers, Admission admission) {
    this.callers = callers;
    this.admission = admission;
    this.routes = List.of(
        new Route("POST", "/prompt", prompts::post),
        new Route("GET", "/prompt", prompts::get),
        new Route("GET", "/queue", queue::get),
        new Route("POST", "/queue", queue::post),
        new Route("POST", "/interrupt", queue::interrupt),
        new Route("GET", "/history", history::list),
        new Route("POST", "/history", history::post),
        new Route("GET", "/history/", history::one),
        new Route("GET", "/view", files::view),
        new Route("POST", "/upload/image", files::uploadImage),
        new Route("POST", "/upload/mask", files::uploadMask),
        new Route("GET", "/object_info", catalog::objectInfo),
        new Route("GET", "/object_info/", catalog::objectInfoOf),
        new Route("GET", "/models", catalog::models),
        new Route("GET", "/models/", catalog::modelsIn),
        new Route("GET", "/embeddings", catalog::embeddings),
        new Route("GET", "/system_stats", catalog::systemStats),
        new Route("GET", "/features", catalog::features),
        new Route("POST", "/v2/keys", keys::create),
        new Route("GET", "/v2/keys", keys::list),
        new Route("DELETE", "/v2/keys/", keys::revoke),
        new Route("POST", "/v2/jobs", jobs::create),
        new Route("GET", "/v2/jobs", jobs::list),
        new Route("GET", "/v2/jobs/{id}", jobs::one),
        new Route("POST", "/v2/jobs/{id}/cancel", jobs::cancel),
        new Route("GET", "/v2/jobs/{id}/events", jobEvents::stream),
        new Route("POST", "/v2/webhooks", notifications::createWebhook),
        new Route("GET", "/v2/webhooks", notifications::listWebhooks),
        new Route("DELETE", "/v2/webhooks/{id}", notifications::deleteWebhook),
        new Route("POST", "/v2/webhooks/{id}/rotate", notifications::rotateWebhook),
        new Route("GET", "/v2/devices", notifications::listDevices),
        new Route("PUT", "/v2/devices/{token}", notifications::putDevice),
        new Route("DELETE", "/v2/devices/{token}", notifications::deleteDevice),
        new Route("PUT", "/v2/notifications/email", notifications::putEmail),
        new Route("GET", "/v2/notifications/email", notifications::getEmail),
        new Route("DELETE", "/v2/notifications/email", notifications::deleteEmail),
        new Route("GET", "/v2/openapi.yaml", openApi::yaml, true),
        new Route("GET", "/v2/openapi.json", openApi::json, true));
  }

  /** The routing table, in order: what {@code openapi.yaml} must document, and a test checks it does. */
  List<Route> routes() {
    return routes;
  }

  void handle(HttpRequest request, HttpResponse response) throws IOException {
    String path = request.getPath();
    if (path.equals("/api") || path.startsWith("/api/")) {
      path = path.substring(4);
    }
    if (request.getMethod().equals("OPTIONS")) {
      Replies.ack(response);
      return;
    }
    String p = path;
    List<Route> atPath = routes.stream().filter(r -> r.matches(p)).toList();
    Optional<Route> route = atPath.stream().filter(r -> r.method().equals(request.getMethod())).findFirst();
    if (route.isPresent() && route.get().open()) {
      run(route.get(), new Call(request, response, null, path));
      return;
    }
    Caller caller;
    try {
      caller = callers.callerOf(request);
    } catch (AuthFailure failure) {
      refuseCredentials(response, failure);
      return;
    }
    Optional<Admission.Refusal> tooMany = admission.request(caller);
    if (tooMany.isPresent()) {
      Replies.refuse(response, tooMany.get());
      return;
    }
    if (route.isPresent()) {
      run(route.get(), new Call(request, response, caller, path));
    } else if (atPath.isEmpty()) {
      Replies.text(response, 404, "404: Not Found");
    } else {
      response.appendHeader("Allow", atPath.stream().map(Route::method).distinct().collect(Collectors.joining(", ")));
      Replies.text(response, 405, "405: Method Not Allowed");
    }
  }

  private static void run(Route route, Call call) throws IOException {
    HttpRequest request = call.request();
    HttpResponse response = call.response();
    String path = call.path();
    try {
      route.handler().handle(call);
    } catch (Replies.Refusal refusal) {
      Replies.text(response, refusal.status, refusal.getMessage());
    } catch (Replies.ApiError error) {
      Replies.apiError(response, error.status, error.getMessage());
    } catch (RuntimeException e) {
      if (!overloaded(e)) {
        throw e;
      }
      // The store said try again (a contended transaction, an overloaded backend): so do we.
      log.warn("{} {} answered 503, the store is busy: {}", request.getMethod(), path, e.toString());
      response.appendHeader("Retry-After", "2");
      Replies.text(response, 503, "503: Service Unavailable: the job store is busy; retry shortly");
    }
  }

  /** A failure that a retry may cure: the adapters say so with {@link StoreUnavailableException}. */
  static boolean overloaded(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof StoreUnavailableException) {
        return true;
      }
    }
    return false;
  }

  /** 401 with the reason (never the credential) and RFC 6750's challenge; 503 when Firebase is unreachable. */
  private static void refuseCredentials(HttpResponse response, AuthFailure failure) throws IOException {
    if (failure.reason() == AuthFailure.Reason.UNAVAILABLE) {
      response.appendHeader("Retry-After", "5");
      Replies.text(response, 503, "503: Service Unavailable: " + failure.getMessage());
      return;
    }
    String challenge = failure.reason() == AuthFailure.Reason.MISSING
        ? "Bearer realm=\"darkroom\""
        : "Bearer realm=\"darkroom\", error=\"invalid_token\", error_description=\""
            + failure.getMessage().replace('"', '\'') + "\"";
    response.appendHeader("WWW-Authenticate", challenge);
    Replies.text(response, 401, "401: Unauthorized: " + failure.getMessage());
  }
}
