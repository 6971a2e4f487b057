package dev.darkroom.functions.api;

import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.darkroom.functions.api.http.ComfyApi;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Request and response objects of the Functions Framework API, in memory. */
final class FakeHttp {
  private FakeHttp() {}

  /** One request through the API, as the function framework would hand it over. */
  static Response call(ComfyApi api, String method, String pathAndQuery, String body) throws java.io.IOException {
    Response response = new Response();
    api.handle(request(method, pathAndQuery, body), response);
    return response;
  }

  static Request request(String method, String pathAndQuery, String body) {
    return new Request(method, pathAndQuery, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code api}'s answer to a request with these headers ({@code name, value, name, value, ...}). */
  static Response send(ComfyApi api, String method, String pathAndQuery, String body, String... headers)
      throws java.io.IOException {
    Request request = request(method, pathAndQuery, body);
    for (int i = 0; i < headers.length; i += 2) {
      request.headers.put(headers[i], List.of(headers[i + 1]));
    }
    Response response = new Response();
    api.handle(request, response);
    return response;
  }

  /** A request with raw bytes and a Content-Type, e.g. a multipart form. */
  static Request request(String method, String pathAndQuery, byte[] body, String contentType) {
    Request request = new Request(method, pathAndQuery, body);
    request.headers.put("Content-Type", List.of(contentType));
    return request;
  }

  /** A {@code multipart/form-data} body; a field whose value is a {@link FilePart} is a file. */
  static Request multipart(String pathAndQuery, Map<String, Object> fields) {
    String boundary = "----darkroom-test-boundary";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      StringBuilder head = new StringBuilder("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey() + "\"");
      byte[] content;
      if (field.getValue() instanceof FilePart file) {
        head.append("; filename=\"").append(file.filename()).append("\"\r\nContent-Type: application/octet-stream");
        content = file.content();
      } else {
        content = field.getValue().toString().getBytes(StandardCharsets.UTF_8);
      }
      head.append("\r\n\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(content);
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return request("POST", pathAndQuery, out.toByteArray(), "multipart/form-data; boundary=" + boundary);
  }

  record FilePart(String filename, byte[] content) {}

  /**
   * A request that declares {@code declaredLength} bytes but whose stream fails after
   * {@code body}, as when a client closes its connection in the middle of the body.
   */
  static Request truncated(String method, String path, byte[] body, long declaredLength) {
    return new Request(method, path, body) {
      @Override public long getContentLength() { return declaredLength; }

      @Override
      public InputStream getInputStream() {
        return new java.io.SequenceInputStream(new ByteArrayInputStream(body), new InputStream() {
          @Override public int read() throws java.io.IOException { throw new java.io.EOFException("early EOF"); }
        });
      }
    };
  }

  static class Request implements HttpRequest {
    private final String method;
    private final String path;
    private final String query;
    private final byte[] body;
    final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    Request(String method, String pathAndQuery, byte[] body) {
      this.method = method;
      int q = pathAndQuery.indexOf('?');
      this.path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
      this.query = q < 0 ? null : pathAndQuery.substring(q + 1);
      this.body = body;
    }

    @Override public String getMethod() { return method; }
    @Override public String getUri() { return path + (query == null ? "" : "?" + query); }
    @Override public String getPath() { return path; }
    @Override public Optional<String> getQuery() { return Optional.ofNullable(query); }

    @Override
    public Map<String, List<String>> getQueryParameters() {
      Map<String, List<String>> params = new LinkedHashMap<>();
      if (query != null) {
        for (String pair : query.split("&")) {
          int eq = pair.indexOf('=');
          String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
          String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
          params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
      }
      return params;
    }

    /** Invoker 2.0.0 throws here too (nothing parses the form first): the API parses multipart itself. */
    @Override public Map<String, HttpPart> getParts() { throw new IllegalStateException(); }
    @Override public Optional<String> getContentType() { return getFirstHeader("Content-Type"); }
    @Override public long getContentLength() { return body.length; }
    @Override public Optional<String> getCharacterEncoding() { return Optional.of("UTF-8"); }
    @Override public InputStream getInputStream() { return new ByteArrayInputStream(body); }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }

    @Override public Map<String, List<String>> getHeaders() { return headers; }
  }

  static final class Response implements HttpResponse {
    int status = 200;
    String contentType;
    final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    final ByteArrayOutputStream body = new ByteArrayOutputStream();

    @Override public void setStatusCode(int code) { status = code; }
    @Override public void setStatusCode(int code, String message) { status = code; }
    @Override public void setContentType(String type) { contentType = type; }
    @Override public Optional<String> getContentType() { return Optional.ofNullable(contentType); }
    @Override public void appendHeader(String header, String value) { headers.computeIfAbsent(header, k -> new ArrayList<>()).add(value); }
    @Override public Map<String, List<String>> getHeaders() { return headers; }
    @Override public OutputStream getOutputStream() { return body; }

    @Override
    public BufferedWriter getWriter() {
      return new BufferedWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8));
    }

    String text() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }
}
