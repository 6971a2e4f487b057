package dev.darkroom.functions.api.http;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.darkroom.core.auth.Caller;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request routed to a handler.
 *
 * @param caller the authenticated caller: every route shows and changes only that user's jobs and files
 * @param path the path without the {@code /api} prefix, e.g. {@code /history/abc}
 * @param authenticatedAt when the caller's credential was checked: this request for a header, the
 *     ticket's issue for a stream ticket; null for an open route
 */
public record Call(HttpRequest request, HttpResponse response, Caller caller, String path, Instant authenticatedAt) {

  /** A call authenticated by this request itself (or an open route's). */
  public Call(HttpRequest request, HttpResponse response, Caller caller, String path) {
    this(request, response, caller, path, null);
  }

  /** The caller's user id. */
  public String user() {
    return caller.userId();
  }

  /** The path's {@code index}th {@code /}-separated segment ({@code /v2/jobs/x}: 1 is {@code v2}), or "". */
  public String segment(int index) {
    String[] segments = path.split("/", -1);
    return index < segments.length ? segments[index] : "";
  }

  /** The first value of a query parameter, or null. */
  public String query(String name) {
    List<String> values = queryParameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * The decoded query parameters; a query that is not percent-encoded UTF-8 (the framework throws
   * Jetty's {@code BadMessageException} for {@code %zz} or {@code %ff}) is the client's error: 400.
   */
  public Map<String, List<String>> queryParameters() {
    try {
      return request.getQueryParameters();
    } catch (RuntimeException e) {
      throw Replies.Refusal.badRequest("the query string is not percent-encoded UTF-8");
    }
  }
}
