package dev.darkroom.gcp;

import dev.darkroom.core.notify.OutboundUrlPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.CookieJar;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The one HTTP client for requests made on a user's behalf (webhooks, URL inputs, model imports). Every
 * destination passes the {@link OutboundUrlPolicy}, at three places:
 *
 * <ol>
 *   <li>before the call, the URL as OkHttp will read it: scheme, credentials, the host's name or
 *       literal address (a clear refusal without a lookup);
 *   <li>in OkHttp's {@link Dns}: the name is resolved once and refused whole if any of its
 *       addresses is internal (a name that mixes public and private addresses is a trap, not a
 *       fallback); OkHttp connects only to the addresses this returned, so a name that answers
 *       differently the next time (DNS rebinding) gains nothing;
 *   <li>in the socket, just before it connects ({@link CheckedSocketFactory}): IP literals never
 *       reach the {@code Dns}, every connection reaches this.
 * </ol>
 *
 * <p>A refusal is an {@link OutboundRefusedException}: nothing was sent. No proxy from the
 * environment, no cookies, no cache, no automatic redirects: {@link #post} returns a 3xx as the
 * answer, {@link #fetch} and {@link #stream} follow at most {@value #MAX_REDIRECTS} and check
 * every hop like the first URL. Connecting is bounded by 5 s and each call as a whole by its caller's timeout.
 */
public final class OutboundHttp {
  public static final int MAX_REDIRECTS = 5;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** A fetched response: the URL it finally came from, its status, type and (bounded) body. */
  public record Fetched(URI url, int status, String contentType, byte[] body) {}

  /** How long a streamed download may wait for its next byte. */
  public static final int STREAM_READ_TIMEOUT_SECONDS = 60;

  private final OutboundUrlPolicy policy;
  private final OkHttpClient client;
  private final OkHttpClient streaming;

  public OutboundHttp(OutboundUrlPolicy policy) {
    this(policy, CheckedSocketFactory.Network.DIRECT);
  }

  OutboundHttp(OutboundUrlPolicy policy, CheckedSocketFactory.Network network) {
    this.policy = policy;
    this.client = new OkHttpClient.Builder()
        .dns(new PolicyDns(policy))
        .socketFactory(new CheckedSocketFactory(policy, network))
        .proxy(Proxy.NO_PROXY)
        .cookieJar(CookieJar.NO_COOKIES)
        .followRedirects(false)
        .followSslRedirects(false)
        .connectTimeout(CONNECT_TIMEOUT)
        .build();
    this.streaming = client.newBuilder().readTimeout(Duration.ofSeconds(STREAM_READ_TIMEOUT_SECONDS)).build();
  }

  /**
   * POSTs {@code body} once; a redirect is not followed (a webhook that answers 3xx did not take
   * the delivery).
   *
   * @param timeout the bound on the whole call, connecting and the answer included
   * @return the status the receiver answered
   * @throws OutboundRefusedException if the policy refuses the URL or an address it resolves to
   * @throws IOException if the receiver could not be reached or did not answer in time
   */
  public int post(URI url, Map<String, String> headers, byte[] body, Duration timeout) throws IOException {
    Request.Builder request = new Request.Builder().url(checked(url, "")).post(RequestBody.create(body, null));
    headers.forEach(request::header);
    Call call = client.newCall(request.build());
    call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    try (Response response = call.execute()) {
      return response.code();
    }
  }

  /**
   * GETs {@code url}, following at most {@value #MAX_REDIRECTS} redirects, each checked like the
   * first URL. A 3xx without a Location is returned as it is.
   *
   * @param maxBytes the largest body accepted; a larger one fails the fetch
   * @param timeout the bound on the whole fetch, all hops and the body included
   * @throws OutboundRefusedException if the policy refuses the URL or any hop
   * @throws IOException if a hop could not be reached, the body is too large, there are too many
   *     redirects, or the fetch took longer than {@code timeout}
   */
  public Fetched fetch(URI url, int maxBytes, Duration timeout) throws IOException {
    try (Streamed response = follow(client, url, Map.of(), hop -> Optional.empty(), timeout)) {
      return new Fetched(response.url(), response.status(), response.response.header("content-type"),
          bounded(response.response.body(), maxBytes));
    }
  }

  /**
   * GETs {@code url} for a long download, following redirects like {@link #fetch} but leaving the
   * body to be streamed by the caller (a multi-GB file is never held). {@code headers} (a bearer
   * token) go only to {@code url}'s own scheme, host and port, never to a host it redirects to.
   *
   * @param hopRule a check of the caller's on every hop besides the policy's (e.g. https only);
   *     a refusal by it is an {@link OutboundRefusedException} too
   * @param timeout the bound on the whole download, all hops and the body included; a read that
   *     waits longer than {@value #STREAM_READ_TIMEOUT_SECONDS} s for a byte fails on its own
   */
  public Streamed stream(URI url, Map<String, String> headers, Function<URI, Optional<String>> hopRule,
      Duration timeout) throws IOException {
    return follow(streaming, url, headers, hopRule, timeout);
  }

  /** An answer whose body is still to be read: close it to release the connection. */
  public static final class Streamed implements java.io.Closeable {
    private final URI url;
    private final Response response;

    Streamed(URI url, Response response) {
      this.url = url;
      this.response = response;
    }

    /** The URL the answer finally came from. */
    public URI url() {
      return url;
    }

    public int status() {
      return response.code();
    }

    /** The body's announced length, or -1. */
    public long length() {
      ResponseBody body = response.body();
      return body == null ? -1 : body.contentLength();
    }

    public InputStream body() {
      ResponseBody body = response.body();
      return body == null ? InputStream.nullInputStream() : body.byteStream();
    }

    @Override
    public void close() {
      response.close();
    }
  }

  private Streamed follow(OkHttpClient http, URI url, Map<String, String> headers,
      Function<URI, Optional<String>> hopRule, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    URI current = url;
    for (int hop = 0; ; hop++) {
      String context = hop == 0 ? "" : "redirect " + hop + " to " + current + ": ";
      Optional<String> ruled = hopRule.apply(current);
      if (ruled.isPresent()) {
        throw new OutboundRefusedException(context + ruled.get());
      }
      Request.Builder request = new Request.Builder().url(checked(current, context)).get()
          .header("user-agent", "Darkroom-Fetch/1");
      if (sameOrigin(url, current)) {
        headers.forEach(request::header);
      }
      Call call = http.newCall(request.build());
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new InterruptedIOException("the fetch of " + url + " took longer than " + timeout);
      }
      call.timeout().timeout(left, TimeUnit.NANOSECONDS);
      Response response = execute(call, context);
      String location = response.header("location");
      if (!response.isRedirect() || location == null) {
        return new Streamed(current, response);
      }
      response.close();
      if (hop == MAX_REDIRECTS) {
        throw new IOException(url + " redirects more than " + MAX_REDIRECTS + " times");
      }
      try {
        current = current.resolve(location);
      } catch (IllegalArgumentException e) {
        throw new IOException(current + " redirects to an unreadable location '" + location + "'");
      }
    }
  }

  private static boolean sameOrigin(URI first, URI hop) {
    return java.util.Objects.equals(first.getScheme(), hop.getScheme())
        && java.util.Objects.equals(first.getHost(), hop.getHost()) && first.getPort() == hop.getPort();
  }

  /** Runs the call; a refusal from inside OkHttp (Dns, socket) says which hop it was. */
  private static Response execute(Call call, String context) throws IOException {
    try {
      return call.execute();
    } catch (OutboundRefusedException e) {
      if (context.isEmpty()) {
        throw e;
      }
      throw new OutboundRefusedException(context + e.getMessage());
    }
  }

  /** The client itself, for tests that go around the check before the call. */
  OkHttpClient client() {
    return client;
  }

  /** The URL as OkHttp reads it, checked (no second parser may disagree on the host). */
  private HttpUrl checked(URI url, String context) throws OutboundRefusedException {
    Optional<String> refusal = policy.refusalBeforeLookup(url);
    if (refusal.isPresent()) {
      throw new OutboundRefusedException(context + refusal.get());
    }
    HttpUrl http = HttpUrl.parse(url.toString());
    if (http == null) {
      throw new OutboundRefusedException(context + url + " is not an http(s) URL");
    }
    if (!http.username().isEmpty() || !http.password().isEmpty()) {
      throw new OutboundRefusedException(context + "credentials in the URL are not allowed");
    }
    refusal = policy.refusalOfHost(http.host());
    if (refusal.isPresent()) {
      throw new OutboundRefusedException(context + refusal.get());
    }
    return http;
  }

  private static byte[] bounded(ResponseBody body, int maxBytes) throws IOException {
    if (body == null) {
      return new byte[0];
    }
    if (body.contentLength() > maxBytes) {
      throw new IOException("the response is larger than " + maxBytes + " bytes (" + body.contentLength() + ")");
    }
    try (InputStream in = body.byteStream()) {
      byte[] bytes = in.readNBytes(maxBytes == Integer.MAX_VALUE ? maxBytes : maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new IOException("the response is larger than " + maxBytes + " bytes");
      }
      return bytes;
    }
  }

  /** Resolves through the policy: the addresses OkHttp gets are the addresses checked. */
  private record PolicyDns(OutboundUrlPolicy policy) implements Dns {
    @Override
    public List<InetAddress> lookup(String host) throws UnknownHostException {
      OutboundUrlPolicy.Lookup lookup = policy.lookUp(host);
      if (lookup.refused()) {
        throw new OutboundRefusedException(lookup.refusal());
      }
      return lookup.addresses();
    }
  }
}
