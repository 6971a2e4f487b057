package dev.darkroom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * The calls {@code darkroom run} makes, on Darkroom's public HTTP API: {@code /api/v2/jobs}
 * (submit, read, cancel, follow as Server-Sent Events) and ComfyUI's {@code /view}. Every call is
 * retried on a network error, the submission too: it carries an {@code Idempotency-Key}, so a
 * retry names the same job instead of running the workflow twice. Answers that are not a success
 * become {@link CliFailure}s that say what to do.
 *
 * <p>The credential goes as {@code Authorization: Bearer} (an API key or a Firebase ID token) to
 * Darkroom's own origin only: {@code /view} redirects to a signed Cloud Storage URL, which is
 * fetched without it.
 */
final class DarkroomApi {
  static final String USER_AGENT = "darkroom-cli";
  private static final int MAX_REDIRECTS = 5;

  /** How network errors are retried: {@code attempts} in all, backing off from {@code firstDelay}. */
  record Retries(int attempts, Duration firstDelay, Duration maxDelay) {
    static final Retries DEFAULT = new Retries(4, Duration.ofMillis(500), Duration.ofSeconds(4));
  }

  private final URI base;
  private final String credential;
  private final HttpClient http;
  private final RetryPolicy<Object> retries;

  /**
   * @param base Darkroom's address, e.g. {@code http://127.0.0.1:8188} ({@code /api} at its end is
   *     dropped: every route is served with and without it)
   * @param credential an API key or ID token, or null for none (the local stack runs without auth)
   */
  DarkroomApi(URI base, String credential, HttpClient http, Retries retries) {
    String text = base.toString().replaceAll("/+$", "");
    this.base = URI.create(text.endsWith("/api") ? text.substring(0, text.length() - 4) : text);
    this.credential = credential == null || credential.isBlank() ? null : credential.strip();
    this.http = http;
    this.retries = RetryPolicy.builder().handle(IOException.class)
        .abortOn(HttpConnectTimeoutException.class)
        .withBackoff(retries.firstDelay(), retries.maxDelay()).withMaxAttempts(retries.attempts()).build();
  }

  static HttpClient defaultClient() {
    return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  URI base() {
    return base;
  }

  /** {@code POST /api/v2/jobs}: the job, newly created (201) or the one this key already made (200). */
  Job submit(ObjectNode body, String idempotencyKey) {
    HttpRequest request = request("/api/v2/jobs").timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 && response.statusCode() != 201) {
      throw refusal("submitting the workflow", response);
    }
    return Job.from(json(response.body()));
  }

  Job job(String id) {
    HttpResponse<String> response = send(request("/api/v2/jobs/" + id).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw refusal("reading job " + id, response);
    }
    return Job.from(json(response.body()));
  }

  /** Asks the job to stop; true if Darkroom took the request (202), false for anything else. */
  boolean cancel(String id, Duration timeout) {
    HttpRequest request = request("/api/v2/jobs/" + id + "/cancel").timeout(timeout)
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 202;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Opens the job's event stream: 200 with the stream, 204 when the job ended before
   * {@code lastEventId} (nothing left to say), or 429 when the caller has as many streams open as
   * Darkroom allows (the body closed). Any other answer is a {@link CliFailure}.
   */
  HttpResponse<InputStream> events(String id, long lastEventId) {
    HttpRequest.Builder request = request("/api/v2/jobs/" + id + "/events").header("Accept", "text/event-stream").GET();
    if (lastEventId >= 0) {
      request.header("Last-Event-ID", Long.toString(lastEventId));
    }
    HttpResponse<InputStream> response = send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() == 429) {
      close(response);
    } else if (response.statusCode() != 200 && response.statusCode() != 204) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        body = "";
      }
      throw refusal("following job " + id, response.statusCode(), body, response.headers().firstValue("Retry-After").orElse(null));
    }
    return response;
  }

  /**
   * Downloads an output through {@code /view} (following its redirect to a signed URL) to
   * {@code dir/<subfolder>/<filename>}: the subfolder starts with the job's id, so runs never
   * overwrite each other's files.
   */
  Path download(Job.Output output, Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    Path target = root.resolve(output.subfolder()).resolve(output.filename()).normalize();
    if (!target.startsWith(root) || output.filename().isBlank()) {
      throw CliFailure.unavailable("Darkroom named an output \"" + output.subfolder() + "/" + output.filename()
          + "\", which is not a file under " + root + "; not saved", null);
    }
    String query = "?filename=" + encode(output.filename()) + "&subfolder=" + encode(output.subfolder())
        + "&type=" + encode(output.type());
    URI uri = base.resolve("/view" + query);
    boolean ownOrigin = true;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
          .header("User-Agent", USER_AGENT).GET();
      if (ownOrigin) {
        authorize(request);
      }
      HttpResponse<InputStream> response = send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
        close(response);
        URI next = uri.resolve(response.headers().firstValue("Location").get());
        ownOrigin = ownOrigin && sameOrigin(next, base);
        uri = next;
        continue;
      }
      if (status != 200) {
        String body = readAndClose(response);
        throw refusal("downloading " + output.filename(), status, body, null);
      }
      try (InputStream in = response.body()) {
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), "." + output.filename(), ".part");
        try {
          Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
          Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(partial);
        }
      } catch (IOException e) {
        throw CliFailure.unavailable("downloading " + output.filename() + " to " + target + " failed: " + e.getMessage(), e);
      }
      return target;
    }
    throw CliFailure.unavailable("downloading " + output.filename() + ": more than " + MAX_REDIRECTS + " redirects", null);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).header("User-Agent", USER_AGENT);
    authorize(builder);
    return builder;
  }

  private void authorize(HttpRequest.Builder request) {
    if (credential != null) {
      request.header("Authorization", "Bearer " + credential);
    }
  }

  /** Sends with retries on network errors; when they run out, says that Darkroom could not be reached. */
  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return Failsafe.with(retries).get(() -> http.send(request, body));
    } catch (FailsafeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw CliFailure.unavailable("interrupted while calling Darkroom", cause);
      }
      throw CliFailure.unavailable(unreachable(cause), cause);
    }
  }

  private String unreachable(Throwable cause) {
    String why = cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException
        ? "nothing answers there" : Objects.toString(cause.getMessage(), cause.getClass().getSimpleName());
    return "cannot reach Darkroom at " + base + ": " + why + ". Start the local one with ./darkroom up, or give a"
        + " deployed one's address with --url or DARKROOM_URL";
  }

  private CliFailure refusal(String doing, HttpResponse<String> response) {
    return refusal(doing, response.statusCode(), response.body(), response.headers().firstValue("Retry-After").orElse(null));
  }

  /** A refusal as a sentence: ComfyUI's error and node errors, or the v2 API's message. */
  static CliFailure refusal(String doing, int status, String body, String retryAfter) {
    String what = describe(body);
    String message = "Darkroom refused " + doing + " (HTTP " + status + "): " + what;
    if (status == 401 || status == 403) {
      return CliFailure.badInput(message + "\nGive an API key with --api-key or DARKROOM_API_KEY (see README, Authentication)");
    }
    if (status == 429 || status == 402 || status >= 500) {
      return CliFailure.unavailable(message + (retryAfter != null ? "\nTry again in " + retryAfter + " s" : ""), null);
    }
    return CliFailure.badInput(message);
  }

  /** What an error body says: ComfyUI's {@code {error, node_errors}}, the v2 {@code {error: {status, message}}}, or its text. */
  static String describe(String body) {
    JsonNode root;
    try {
      root = Workflow.JSON.readTree(body == null ? "" : body);
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      String text = body == null ? "" : body.strip();
      return text.isEmpty() ? "no details given" : text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
    JsonNode error = root.path("error");
    StringBuilder out = new StringBuilder();
    if (error.isTextual()) {
      out.append(error.asText());
    } else {
      out.append(error.path("message").asText("no message"));
      String type = error.path("type").asText("");
      if (!type.isEmpty()) {
        out.append(" (").append(type).append(')');
      }
      String details = error.path("details").asText("");
      if (!details.isEmpty()) {
        out.append(": ").append(details);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> nodes = root.path("node_errors").fields(); nodes.hasNext(); ) {
      Map.Entry<String, JsonNode> node = nodes.next();
      for (JsonNode nodeError : node.getValue().path("errors")) {
        out.append("\n  node ").append(node.getKey()).append(' ')
            .append(node.getValue().path("class_type").asText("")).append(": ")
            .append(nodeError.path("message").asText(""));
        String details = nodeError.path("details").asText("");
        if (!details.isEmpty()) {
          out.append(": ").append(details);
        }
      }
    }
    return out.toString();
  }

  private static JsonNode json(String body) {
    try {
      return Workflow.JSON.readTree(body);
    } catch (IOException e) {
      throw CliFailure.unavailable("Darkroom answered with something that is not JSON: " + describe(body), e);
    }
  }

  static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void close(HttpResponse<InputStream> response) {
    try {
      response.body().close();
    } catch (IOException ignored) {
      // Only the connection is lost; the redirect is followed on another.
    }
  }

  private static String readAndClose(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
