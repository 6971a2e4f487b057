package dev.darkroom.emulators.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** One request and its response, with the few operations the routes need (blocking I/O). */
final class HttpExchange {
  private static final int MAX_JSON_BODY = 4 << 20;

  private final Request request;
  private final Response response;
  private final String rawPath;
  private final QueryParams query;
  private InputStream rawBody;

  HttpExchange(Request request, Response response) {
    this.request = request;
    this.response = response;
    String path = request.getHttpURI().getPath();
    this.rawPath = path == null || path.isEmpty() ? "/" : path;
    this.query = QueryParams.parse(request.getHttpURI().getQuery());
  }

  /**
   * The effective method: google-http-client sends PATCH as POST with
   * {@code X-HTTP-Method-Override}, because HttpURLConnection cannot send PATCH.
   */
  String method() {
    String override = request.getHeaders().get("X-HTTP-Method-Override");
    if (override != null && request.getMethod().equals("POST")) {
      return override.trim().toUpperCase(java.util.Locale.ROOT);
    }
    return request.getMethod();
  }

  String rawPath() {
    return rawPath;
  }

  QueryParams query() {
    return query;
  }

  String header(String name) {
    return request.getHeaders().get(name);
  }

  private InputStream rawBody() {
    if (rawBody == null) {
      rawBody = Content.Source.asInputStream(request);
    }
    return rawBody;
  }

  /**
   * Reads what is left of the request before answering. Jetty closes a keep-alive connection
   * whose request was not fully read, and the client would then fail its next request on it.
   */
  private void drainRequest() {
    try {
      rawBody().transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // the client went away; there is no connection left to keep
    }
  }

  /** The request body, inflated if the client gzipped it (the Java client gzips JSON bodies). */
  InputStream body() throws IOException {
    InputStream raw = rawBody();
    String encoding = header("Content-Encoding");
    if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
      return raw;
    }
    if (!encoding.equalsIgnoreCase("gzip")) {
      throw GcsException.badRequest("Unsupported Content-Encoding '" + encoding + "' (only gzip)");
    }
    try {
      return new java.util.zip.GZIPInputStream(raw, 64 * 1024);
    } catch (java.util.zip.ZipException e) {
      throw GcsException.badRequest("Content-Encoding is gzip but the body is not: " + e.getMessage());
    }
  }

  /** Links in resources point where the client reached us, as GCS's do. */
  String baseUrl() {
    String host = header("Host");
    return "http://" + (host == null ? request.getConnectionMetaData().getLocalSocketAddress() : host);
  }

  /** The JSON request body, or a missing node when there is none. */
  JsonNode jsonBody() throws IOException {
    byte[] bytes = body().readNBytes(MAX_JSON_BODY + 1);
    if (bytes.length > MAX_JSON_BODY) {
      throw GcsException.badRequest("JSON request body larger than 4 MiB");
    }
    if (bytes.length == 0 || new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return Resources.JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new GcsException(400, "parseError", "Parse Error: the request body is not valid JSON ("
          + e.getOriginalMessage() + ")");
    }
  }

  boolean committed() {
    return response.isCommitted();
  }

  void header(String name, String value) {
    response.getHeaders().put(name, value);
  }

  void addHeader(String name, String value) {
    response.getHeaders().add(name, value);
  }

  void json(int status, JsonNode body) throws IOException {
    send(status, "application/json; charset=UTF-8", Resources.JSON.writeValueAsBytes(body));
  }

  void send(int status, String contentType, byte[] body) throws IOException {
    drainRequest();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    if (!"HEAD".equals(method())) {
      Content.Sink.write(response, true, ByteBuffer.wrap(body));
    }
  }

  void empty(int status) {
    drainRequest();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
  }

  /** The head of a response whose body is left out, as for HEAD. */
  void headersOnly(int status, String contentType, long length) {
    drainRequest();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
  }

  /** Starts a streamed body of a known length; the caller closes the stream. */
  OutputStream stream(int status, String contentType, long length) {
    drainRequest();
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    return Content.Sink.asOutputStream(response);
  }
}
