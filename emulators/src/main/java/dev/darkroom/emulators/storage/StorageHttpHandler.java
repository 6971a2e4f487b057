package dev.darkroom.emulators.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front door: the admin endpoint, injected faults, then the JSON API or the signed-URL
 * route; turns every refusal into GCS's error shape so no stack trace reaches a client.
 */
final class StorageHttpHandler extends Handler.Abstract {
  static final String FAULTS_PATH = "/_emulator/faults";
  private static final Logger log = LoggerFactory.getLogger(StorageHttpHandler.class);

  private final JsonApi jsonApi;
  private final SignedUrlApi signedUrlApi;
  private final FaultInjector faults;

  StorageHttpHandler(JsonApi jsonApi, SignedUrlApi signedUrlApi, FaultInjector faults) {
    this.jsonApi = jsonApi;
    this.signedUrlApi = signedUrlApi;
    this.faults = faults;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    HttpExchange ex;
    try {
      ex = new HttpExchange(request, response);
    } catch (GcsException e) {
      writeJsonError(response, e.status(), e.reason(), e.getMessage(), callback);
      return true;
    }
    boolean json = JsonApi.handles(ex.rawPath());
    try {
      route(ex, json);
      callback.succeeded();
    } catch (GcsException e) {
      answer(ex, callback, () -> jsonError(ex, e.status(), e.reason(), e.getMessage()));
    } catch (XmlApiException e) {
      answer(ex, callback, () -> ex.send(e.status(), "application/xml; charset=UTF-8",
          e.toXml().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (Throwable t) {
      log.warn("{} {} failed", ex.method(), ex.rawPath(), t);
      answer(ex, callback, () -> jsonError(ex, 500, "backendError",
          "Internal error in the storage emulator: " + t.getClass().getSimpleName()));
    }
    return true;
  }

  private void route(HttpExchange ex, boolean json) throws IOException {
    String path = ex.rawPath();
    if (path.equals(FAULTS_PATH)) {
      faults(ex);
      return;
    }
    if (path.equals("/")) {
      ex.send(200, "text/plain; charset=UTF-8", "Ok\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    if (faults.takeFailure()) {
      String message = "Service unavailable (injected by the storage emulator)";
      if (json) {
        throw new GcsException(503, "backendError", message);
      }
      throw new XmlApiException(503, "ServiceUnavailable", message, null);
    }
    if (path.startsWith("/batch/")) {
      throw GcsException.notImplemented("Batch requests (" + path + ") are not supported by the storage emulator;"
          + " the Java client sends them for storage.delete/get/update of several blobs at once: call it per blob");
    }
    if (json) {
      jsonApi.handle(ex);
    } else {
      signedUrlApi.handle(ex);
    }
  }

  private void faults(HttpExchange ex) throws IOException {
    if (ex.method().equals("POST")) {
      JsonNode body = ex.jsonBody();
      JsonNode unavailable = body.get("unavailable");
      if (unavailable == null || !unavailable.canConvertToInt()) {
        throw GcsException.badRequest("Expected a JSON body like {\"unavailable\": 2}");
      }
      faults.failNext(unavailable.asInt());
    } else if (!ex.method().equals("GET")) {
      throw new GcsException(405, "methodNotAllowed", "Use GET or POST on " + FAULTS_PATH);
    }
    FaultInjector.State state = faults.state();
    ex.json(200, Resources.JSON.createObjectNode()
        .put("unavailable", state.unavailable())
        .put("served", state.served()));
  }

  private interface Answer {
    void write() throws IOException;
  }

  /** Writes an error if nothing has been sent yet; otherwise the only honest signal is an abort. */
  private static void answer(HttpExchange ex, Callback callback, Answer answer) {
    if (ex.committed()) {
      callback.failed(new IOException("response already started"));
      return;
    }
    try {
      answer.write();
      callback.succeeded();
    } catch (Throwable t) {
      callback.failed(t);
    }
  }

  private static void jsonError(HttpExchange ex, int status, String reason, String message) throws IOException {
    if (status == 304) {
      ex.empty(304);
      return;
    }
    ex.json(status, Resources.error(status, reason, message));
  }

  private static void writeJsonError(Response response, int status, String reason, String message, Callback callback) {
    response.setStatus(status);
    response.getHeaders().put("Content-Type", "application/json; charset=UTF-8");
    try {
      response.write(true, java.nio.ByteBuffer.wrap(
          Resources.JSON.writeValueAsBytes(Resources.error(status, reason, message))), callback);
    } catch (IOException e) {
      callback.failed(e);
    }
  }
}
