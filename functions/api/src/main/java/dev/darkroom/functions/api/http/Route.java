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

  /**
   * Whether {@code requested} (without the {@code /api} prefix) is this route's path. The router
   * asks every route on every request, so a template is compared segment by segment in place,
   * without splitting either path.
   */
  public boolean matches(String requested) {
    if (path.indexOf('{') < 0) {
      return path.endsWith("/")
          ? requested.length() > path.length() && requested.startsWith(path)
          : requested.equals(path);
    }
    int want = 0;
    int got = 0;
    while (true) {
      int wantEnd = segmentEnd(path, want);
      int gotEnd = segmentEnd(requested, got);
      boolean any = wantEnd - want >= 2 && path.charAt(want) == '{' && path.charAt(wantEnd - 1) == '}';
      if (any ? gotEnd == got
          : wantEnd - want != gotEnd - got || !path.regionMatches(want, requested, got, wantEnd - want)) {
        return false;
      }
      boolean lastWanted = wantEnd == path.length();
      boolean lastGot = gotEnd == requested.length();
      if (lastWanted || lastGot) {
        return lastWanted && lastGot;
      }
      want = wantEnd + 1;
      got = gotEnd + 1;
    }
  }

  /** Where the segment starting at {@code from} ends: the next {@code /}, or the end. */
  private static int segmentEnd(String path, int from) {
    int slash = path.indexOf('/', from);
    return slash < 0 ? path.length() : slash;
  }
}
