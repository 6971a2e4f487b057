package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.auth.StreamTicket;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.usecase.StreamTicketing;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /api/v2/stream-tickets} with {@code {"purpose": "ws" | "sse"}}: a single-use ticket
 * for the one stream a browser cannot open with a header ({@code /ws?ticket=…},
 * {@code GET /api/v2/jobs/{id}/events?ticket=…}), valid {@link StreamTicketing#LIFETIME}. Asked for
 * with the caller's credential in a header, like any call; the answer is never cached.
 */
public final class StreamTicketRoutes implements RouteGroup {
  private final StreamTicketing tickets;

  public StreamTicketRoutes(StreamTicketing tickets) {
    this.tickets = tickets;
  }

  @Override
  public List<Route> routes() {
    return List.of(new Route("POST", "/v2/stream-tickets", this::issue));
  }

  void issue(Call call) throws IOException {
    JsonNode body = RequestBodies.json(RequestBodies.read(call.request(), InputLimits.CONTROL_BODY_BYTES)).orElse(null);
    Optional<StreamTicket.Purpose> purpose = body == null ? Optional.empty()
        : Arrays.stream(StreamTicket.Purpose.values()).filter(p -> p.wireName().equals(body.path("purpose").asText()))
            .findFirst();
    if (purpose.isEmpty()) {
      Replies.apiError(call.response(), 400, "the body is a JSON object with \"purpose\": \"ws\" (for /ws) or \"sse\""
          + " (for GET /api/v2/jobs/{id}/events)");
      return;
    }
    StreamTicketing.Issued issued = tickets.issue(call.caller(), purpose.get());
    ObjectNode reply = Replies.JSON.createObjectNode();
    reply.put("ticket", issued.ticket());
    reply.put("purpose", issued.purpose().wireName());
    reply.put("expires_in", issued.expiresIn().toSeconds());
    call.response().appendHeader("Cache-Control", "no-store");
    Replies.json(call.response(), 201, reply);
  }
}
