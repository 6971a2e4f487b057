package dev.darkroom.functions.api;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.common.base.Suppliers;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.gcp.Adapters;
import java.time.Clock;
import java.util.function.Supplier;

/** The HTTP entry point: ComfyUI's API (and later Darkroom's own) over the use cases. */
public final class ApiFunction implements HttpFunction {
  private final Supplier<ComfyApi> api;

  public ApiFunction() {
    this(Suppliers.memoize(() -> {
      Adapters adapters = Adapters.fromEnvironment();
      ApiConfig.from(adapters.env());
      SubmitPrompt submit = new SubmitPrompt(adapters.jobStore(), adapters.jobQueue(), adapters.ledger(),
          new PromptValidators(adapters.nodeCatalog(), Clock.systemUTC()), Clock.systemUTC());
      return new ComfyApi(submit, adapters.jobStore(), adapters.outputStore(), Callers.localUserOnly());
    }));
  }

  ApiFunction(Supplier<ComfyApi> api) {
    this.api = api;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    api.get().handle(request, response);
  }
}
