package dev.darkroom.functions.api;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.common.base.Suppliers;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.usecase.Authenticator;
import dev.darkroom.core.usecase.CancelJobs;
import dev.darkroom.core.usecase.RegisterWebhooks;
import dev.darkroom.core.usecase.SubmitJob;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.functions.api.http.Callers;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.routes.CatalogRoutes;
import dev.darkroom.functions.api.routes.FileRoutes;
import dev.darkroom.functions.api.routes.HistoryRoutes;
import dev.darkroom.functions.api.routes.JobEventStream;
import dev.darkroom.functions.api.routes.JobRoutes;
import dev.darkroom.functions.api.routes.KeyRoutes;
import dev.darkroom.functions.api.routes.NotificationRoutes;
import dev.darkroom.functions.api.routes.OpenApiDocument;
import dev.darkroom.functions.api.routes.PromptRoutes;
import dev.darkroom.functions.api.routes.QueueRoutes;
import dev.darkroom.functions.api.routes.UploadedInputs;
import dev.darkroom.functions.api.views.JobResources;
import dev.darkroom.gcp.Adapters;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP entry point: ComfyUI's API and Darkroom's own, over the use cases. */
public final class ApiFunction implements HttpFunction {
  private static final Logger log = LoggerFactory.getLogger(ApiFunction.class);
  private final Supplier<ComfyApi> api;
  /** Enough for any integration; bounds the fan-out of one notification. */
  static final int MAX_WEBHOOKS_PER_USER = 20;

  public ApiFunction() {
    this(Suppliers.memoize(() -> {
      Adapters adapters = Adapters.fromEnvironment();
      ApiConfig config = ApiConfig.from(adapters.env());
      Clock clock = Clock.systemUTC();
      Authenticator authenticator = adapters.authenticator(clock);
      log.info("api starting: authentication {}, limits {}", authenticator.required() ? "on" : "OFF (local user)",
          config.limits());
      UploadedInputs uploads = new UploadedInputs(adapters.outputStore());
      PromptPolicy policy = new PromptPolicy(adapters.nodeCatalog(), adapters.outputStore(), clock);
      SubmitPrompt submit = new SubmitPrompt(adapters.jobStore(), adapters.jobQueue(), adapters.ledger(), policy, clock);
      Admission admission = new Admission(adapters.rateCounter(), adapters.jobStore(), adapters.usage(),
          config.limits(), clock);
      CancelJobs cancel = new CancelJobs(adapters.jobStore(), adapters.ledger(), clock);
      JobResources resources = new JobResources(adapters.jobStore(), adapters.outputStore());
      return new ComfyApi(Callers.of(authenticator), admission,
          new PromptRoutes(submit, adapters.jobStore(), admission),
          new QueueRoutes(adapters.jobStore(), cancel),
          new HistoryRoutes(adapters.jobStore(), clock),
          new FileRoutes(adapters.jobStore(), adapters.outputStore(), uploads),
          new CatalogRoutes(policy.catalog()),
          new KeyRoutes(adapters.apiKeys(clock)),
          new JobRoutes(new SubmitJob(submit, adapters.idempotencyKeys(), adapters.jobStore(), admission, clock),
              adapters.jobStore(), cancel, resources),
          new JobEventStream(adapters.jobStore(), adapters.jobFeed(), resources, clock),
          new OpenApiDocument(),
          new NotificationRoutes(new RegisterWebhooks(adapters.webhookEndpoints(), adapters.jobStore(),
              adapters.webhookUrlPolicy(), MAX_WEBHOOKS_PER_USER, adapters.env().positiveSecondsOrDefault(
                  "WEBHOOK_ROTATION_OVERLAP_SECONDS", Duration.ofHours(24)), clock),
              adapters.deviceTokens(), adapters.emailRecipients()));
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
