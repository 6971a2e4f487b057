package dev.darkroom.functions.api;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.darkroom.core.auth.Caller;
import java.util.List;
import java.util.Map;

/**
 * One request routed to a handler.
 *
 * @param caller the authenticated caller: every route shows and changes only that user's jobs and files
 * @param path the path without the {@code /api} prefix, e.g. {@code /history/abc}
 */
record Call(HttpRequest request, HttpResponse response, Caller caller, String path) {

  /** The caller's user id. */
  String user() {
    return caller.userId();
  }

  /** The first value of a query parameter, or null. */
  String query(String name) {
    List<String> values = request.getQueryParameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  Map<String, List<String>> queryParameters() {
    return request.getQueryParameters();
  }
}
