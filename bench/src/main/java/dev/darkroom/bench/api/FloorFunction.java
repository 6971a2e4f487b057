package dev.darkroom.bench.api;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.common.base.Suppliers;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleClients;
import dev.darkroom.gcp.GoogleCloudConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The floor behind HTTP: a function that does nothing but the {@link Floor}'s calls, on the same
 * invoker, host and JVM options as the api. {@code POST /prompt} reads the body to its end
 * (without parsing it) and makes the floor's create and publish; {@code GET /history/{id}} makes
 * its one get. p2 measures it beside the api to show what serving HTTP at all costs on this
 * machine, apart from anything the api itself does (routing, validation, its job store).
 *
 * <p>Environment: the stack's, plus {@link #TEMPLATE_JOB} (the api's job whose document the floor
 * copies), {@code JOBS_COLLECTION} (where that job is) and {@code JOB_SUBMITTED_TOPIC}.
 */
public final class FloorFunction implements HttpFunction {
  static final String TEMPLATE_JOB = "BENCH_FLOOR_TEMPLATE_JOB";
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

  private final Supplier<Floor> floor = Suppliers.memoize(() -> {
    Env env = Env.system();
    try {
      return Floor.like(new GoogleClients(GoogleCloudConfig.from(env)), env.require("JOBS_COLLECTION", "the api's jobs"),
          env.require(TEMPLATE_JOB, "the job to copy"), env.require("JOB_SUBMITTED_TOPIC", "where to publish"));
    } catch (Exception e) {
      throw new IllegalStateException("the floor could not copy its template job", e);
    }
  });

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    String path = request.getPath();
    if (request.getMethod().equals("POST") && path.equals("/prompt")) {
      try (InputStream body = request.getInputStream()) {
        body.transferTo(OutputStream.nullOutputStream());
      }
      String promptId = floor.get().submit();
      // The api's own way of sending a reply (a whole body with its length): only the work before it differs.
      Replies.jsonBytes(response, 200, ("{\"prompt_id\":\"" + promptId + "\"}").getBytes(StandardCharsets.UTF_8));
    } else if (request.getMethod().equals("GET") && path.startsWith("/history/")) {
      floor.get().read(path.substring("/history/".length()));
      Replies.jsonBytes(response, 200, EMPTY_OBJECT);
    } else {
      response.setStatusCode(404);
    }
  }
}
