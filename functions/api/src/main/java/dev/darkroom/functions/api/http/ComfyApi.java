package dev.darkroom.functions.api.http;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.darkroom.core.auth.AuthFailure;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StreamTicket;
import dev.darkroom.core.usecase.StreamTicketing;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.DocumentIds;
import dev.darkroom.core.limits.FailedAuthentications;
import dev.darkroom.core.port.StoreUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * The router: ComfyUI's HTTP API and Darkroom's own over the route groups. Every route answers under both {@code /x} and
 * {@code /api/x}, as ComfyUI does; callers see only their own jobs and files. A known path with
 * another method is {@code 405}, an unknown path {@code 404}. A CORS preflight is answered by
 * {@link CrossOrigin} from the routing table, and every other answer carries its headers; a bare
 * {@code OPTIONS} (no {@code Origin}: ComfyUI's clients, curl) is {@code 200} with {@code Allow}.
 */
public final class ComfyApi {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ComfyApi.class);

  private final List<Route> routes;
  private final Callers callers;
  private final Admission admission;
  private final FailedAuthentications failures;
  private final ClientAddress addresses;
  private final CrossOrigin crossOrigin;

  private final StreamTicketing tickets;
  private final Clock clock;

  /** Without a limit on failed authentications, for no page of another origin: for tests of everything else. */
  public ComfyApi(Callers callers, StreamTicketing tickets, Admission admission, Clock clock, RouteGroup... groups) {
    this(callers, tickets, FailedAuthentications.off(), new ClientAddress(0), CrossOrigin.none(), admission, clock,
        groups);
  }

  /**
   * @param tickets what opens an {@link Route#eventStream} route without a header
   * @param failures failed authentications per client address, limited before authentication
   * @param addresses where a request comes from, for {@code failures}
   * @param crossOrigin which pages of other origins a browser lets call, and how
   * @param groups the route groups, whose routes are tried in this order
   */
  public ComfyApi(Callers callers, StreamTicketing tickets, FailedAuthentications failures, ClientAddress addresses,
      CrossOrigin crossOrigin, Admission admission, Clock clock, RouteGroup... groups) {
    this.callers = callers;
    this.tickets = tickets;
    this.failures = failures;
    this.addresses = addresses;
    this.crossOrigin = crossOrigin;
    this.admission = admission;
    this.clock = clock;
    this.routes = Arrays.stream(groups).flatMap(group -> group.routes().stream()).toList();
  }

  /** The routing table, in order: what {@code openapi.yaml} must document, and a test checks it does. */
  public List<Route> routes() {
    return routes;
  }

  public void handle(HttpRequest request, HttpResponse response) throws IOException {
    String path = request.getPath();
    if (path.equals("/api") || path.startsWith("/api/")) {
      path = path.substring(4);
    }
    // A loop, not a stream: this runs on every request, and the stream was a twentieth of the
    // samples under the router, handlers included (docs/PERFORMANCE.md).
    List<Route> atPath = new ArrayList<>(4);
    List<String> methods = new ArrayList<>(4);
    for (Route candidate : routes) {
      if (candidate.matches(path)) {
        atPath.add(candidate);
        if (!methods.contains(candidate.method())) {
          methods.add(candidate.method());
        }
      }
    }
    if (crossOrigin.isPreflight(request)) {
      crossOrigin.answerPreflight(request, response, methods);
      return;
    }
    if (!crossOrigin.admit(request, response)) {
      return;
    }
    if (request.getMethod().equals("OPTIONS")) {
      if (!methods.isEmpty()) {
        response.appendHeader("Allow", String.join(", ", methods) + ", OPTIONS");
      }
      Replies.ack(response);
      return;
    }
    String method = request.getMethod();
    Optional<Route> route = Optional.empty();
    for (Route candidate : atPath) {
      if (candidate.method().equals(method)) {
        route = Optional.of(candidate);
        break;
      }
    }
    if (route.isPresent() && route.get().open()) {
      run(route.get(), new Call(request, response, null, path));
      return;
    }
    // Before the credential is looked at: an address that keeps failing costs no lookup.
    Optional<String> address = addresses.of(request);
    Optional<Admission.Refusal> failedTooOften = address.flatMap(failures::refusal);
    if (failedTooOften.isPresent()) {
      Replies.refuse(response, failedTooOften.get());
      return;
    }
    Caller caller;
    Instant authenticatedAt = clock.instant();
    try {
      caller = callers.callerOf(request);
    } catch (AuthFailure failure) {
      Optional<StreamTicket> ticket;
      try {
        ticket = failure.reason() == AuthFailure.Reason.MISSING
            ? fromUrl(request, route.isPresent() && route.get().eventStream())
            : Optional.empty();
      } catch (AuthFailure refused) {
        failed(address, refused);
        refuseCredentials(response, refused);
        return;
      }
      if (ticket.isEmpty()) {
        failed(address, failure);
        refuseCredentials(response, failure);
        return;
      }
      caller = ticket.get().caller();
      authenticatedAt = ticket.get().issuedAt();
    }
    Optional<Admission.Refusal> tooMany = route.isPresent() && route.get().queuesJob()
        ? admission.requestToSubmit(caller)
        : admission.request(caller);
    if (tooMany.isPresent()) {
      Replies.refuse(response, tooMany.get());
      return;
    }
    if (route.isPresent()) {
      run(route.get(), new Call(request, response, caller, path, authenticatedAt));
    } else if (atPath.isEmpty()) {
      Replies.text(response, 404, "404: Not Found");
    } else {
      response.appendHeader("Allow", String.join(", ", methods));
      Replies.text(response, 405, "405: Method Not Allowed");
    }
  }

  /** Counts a refused credential against its address; an outage on our side is not the caller's failure. */
  private void failed(Optional<String> address, AuthFailure failure) {
    if (failure.reason() != AuthFailure.Reason.UNAVAILABLE) {
      address.ifPresent(failures::failed);
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
    } catch (DocumentIds.InvalidId invalid) {
      Replies.apiError(response, 400, invalid.getMessage());
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

  /**
   * What the URL of a request without a credential header carries: a stream ticket, on a route
   * that takes one (it is spent whatever follows); never a reusable credential ({@code ?token=},
   * refused naming where tickets come from, since URLs are logged). Empty when it carries neither.
   */
  private Optional<StreamTicket> fromUrl(HttpRequest request, boolean ticketsTaken) throws AuthFailure {
    Map<String, List<String>> query;
    try {
      query = request.getQueryParameters();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (query.containsKey("token")) {
      throw new AuthFailure(AuthFailure.Reason.INVALID, StreamTicketing.NO_CREDENTIAL_IN_URL);
    }
    List<String> ticket = query.get("ticket");
    if (!ticketsTaken || ticket == null || ticket.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(tickets.redeem(ticket.get(0), StreamTicket.Purpose.SSE));
  }

  /** A failure that a retry may cure: the adapters say so with {@link StoreUnavailableException}. */
  public static boolean overloaded(Throwable error) {
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
