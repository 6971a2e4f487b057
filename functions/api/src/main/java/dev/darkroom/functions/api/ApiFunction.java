package dev.darkroom.functions.api;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.common.base.Suppliers;
import dev.darkroom.functions.api.http.ComfyApi;
import java.util.function.Supplier;

/**
 * The HTTP entry point: ComfyUI's API and Darkroom's own, over the use cases. The configuration is
 * read at start (a missing variable stops the instance); the clients are built at the first request.
 */
public final class ApiFunction implements HttpFunction {
  private final Supplier<ComfyApi> api;

  public ApiFunction() {
    ApiConfig config = ApiConfig.fromEnvironment();
    this.api = Suppliers.memoize(() -> ApiWiring.build(config));
  }

  ApiFunction(Supplier<ComfyApi> api) {
    this.api = api;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    api.get().handle(request, response);
  }
}
