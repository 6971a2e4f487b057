package dev.darkroom.functions.api.http;

import java.io.IOException;

/**
 * A path: exact, a template whose {@code {name}} segments each match one non-empty segment, or
 * (ending in {@code /}) a prefix followed by one more segment or more. An {@code open} route
 * needs no credential and is not counted against any caller's rates. A route that
 * {@code queuesJob} is admitted by the caller's rates and job limits together, checked at once
 * before it runs ({@code Admission#requestToSubmit}). An {@code eventStream} route is what a browser
 * opens with an {@code EventSource}, which sends no headers: besides a header credential it takes a
 * single-use stream ticket in {@code ?ticket=} ({@code StreamTicketing}, purpose {@code sse}).
 */
public record Route(String method, String path, Handler handler, boolean open, boolean queuesJob,
    boolean eventStream) {

  /** Answers one call. */
  @FunctionalInterface
  public interface Handler {
    void handle(Call call) throws IOException;
  }

  public Route(String method, String path, Handler handler) {
    this(method, path, handler, false, false, false);
  }

  public Route(String method, String path, Handler handler, boolean open) {
    this(method, path, handler, open, false, false);
  }

  /** A route that queues a job, for the caller: not open, and admitted by its job limits too. */
  public static Route queuingJob(String method, String path, Handler handler) {
    return new Route(method, path, handler, false, true, false);
  }

  /** A stream of Server-Sent Events, for the caller, who may present a stream ticket instead of a header. */
  public static Route eventStream(String method, String path, Handler handler) {
    return new Route(method, path, handler, false, false, true);
  }

  /** Whether {@code requested} (without the {@code /api} prefix) is this route's path. */
  public boolean matches(String requested) {
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
