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

  HttpExchange(Request request, Response response) {
    this.request = request;
    this.response = response;
    String path = request.getHttpURI().getPath();
    this.rawPath = path == null || path.isEmpty() ? "/" : path;
    this.query = QueryParams.parse(request.getHttpURI().getQuery());
  }

  String method() {
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

  InputStream body() {
    return Content.Source.asInputStream(request);
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
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    if (!"HEAD".equals(method())) {
      Content.Sink.write(response, true, ByteBuffer.wrap(body));
    }
  }

  void empty(int status) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
  }

  /** The head of a response whose body is left out, as for HEAD. */
  void headersOnly(int status, String contentType, long length) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
  }

  /** Starts a streamed body of a known length; the caller closes the stream. */
  OutputStream stream(int status, String contentType, long length) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    return Content.Sink.asOutputStream(response);
  }
}
