package dev.darkroom.cli;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server on loopback that plays Darkroom's API (or the storage a signed URL points to)
 * with the answers a test gives per route, and records every request it gets.
 */
final class FakeDarkroom implements AutoCloseable {
  record Request(String method, String path, String query, Headers headers, String body) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  @FunctionalInterface
  interface Answer {
    void answer(HttpExchange exchange, Request request) throws IOException;
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  FakeDarkroom() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::route);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code method path} (the path without its query) with {@code answer} from now on. */
  FakeDarkroom on(String method, String path, Answer answer) {
    answers.put(method + " " + path, answer);
    return this;
  }

  List<Request> requestsTo(String method, String path) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
  }

  private void route(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
    requests.add(request);
    Answer answer = answers.get(request.method() + " " + request.path());
    try {
      if (answer == null) {
        json(exchange, 404, "{\"error\": {\"status\": 404, \"message\": \"no route in this test\"}}");
      } else {
        answer.answer(exchange, request);
      }
    } finally {
      exchange.close();
    }
  }

  static void json(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Starts an event stream; each {@link #event} is flushed as it is written. */
  static OutputStream openStream(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    out.write(": job\n\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
    return out;
  }

  static void event(OutputStream out, String name, long id, String data) throws IOException {
    out.write(("event: " + name + "\nid: " + id + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** A job as /api/v2/jobs shows it, with no output and no error. */
  static String job(String id, String status) {
    return job(id, status, "[]", "null");
  }

  /** A job as /api/v2/jobs shows it, with these outputs and error (JSON). */
  static String job(String id, String status, String outputs, String error) {
    return "{\"id\": \"" + id + "\", \"status\": \"" + status + "\", \"created_at\": \"2026-12-06T10:00:00Z\","
        + " \"updated_at\": \"2026-12-06T10:00:01Z\", \"queue_position\": " + (status.equals("queued") ? 1 : null)
        + ", \"progress\": null, \"outputs\": " + outputs + ", \"error\": " + error
        + ", \"client_id\": null, \"cancel_requested\": false}";
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
