package dev.darkroom.functions.api;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import com.google.common.base.Suppliers;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.usecase.CancelJobs;
import dev.darkroom.core.usecase.RegisterWebhooks;
import dev.darkroom.core.usecase.SubmitJob;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.gcp.Adapters;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/** The HTTP entry point: ComfyUI's API and Darkroom's own, over the use cases. */
public final class ApiFunction implements HttpFunction {
  private final Supplier<ComfyApi> api;

  public ApiFunction() {
    ApiConfig config = ApiConfig.fromEnvironment();
    this.api = Suppliers.memoize(() -> {
      Adapters adapters = new Adapters(config.cloud(), config.database());
      Clock clock = Clock.systemUTC();
      LoggerFactory.getLogger(ApiFunction.class).info("api starting: authentication {}, limits {}",
          config.auth().required() ? "on" : "OFF (local user)", config.limits());
      JobStore jobs = adapters.jobStore(config.jobs());
      OutputStore outputs = adapters.outputStore(config.outputs());
      UploadedInputs uploads = new UploadedInputs(outputs);
      PublishedCatalog catalog = new PublishedCatalog(adapters.nodeCatalog(config.outputs()), clock);
      SubmitPrompt submit = new SubmitPrompt(jobs, adapters.jobQueue(config.jobSubmitted()), adapters.ledger(),
          new PromptValidators(catalog, uploads), clock);
      Admission admission = new Admission(adapters.rateCounter(), jobs, adapters.usage(), config.limits(), clock);
      CancelJobs cancel = new CancelJobs(jobs, adapters.ledger(), clock);
      JobResources resources = new JobResources(jobs, outputs);
      return new ComfyApi(new PromptRoutes(submit, jobs, admission), new QueueRoutes(jobs, cancel),
          new HistoryRoutes(jobs, clock), new FileRoutes(jobs, outputs, uploads), new CatalogRoutes(catalog),
          new KeyRoutes(adapters.apiKeys(config.apiKeys(), clock)),
          new JobRoutes(new SubmitJob(submit, adapters.idempotencyKeys(config.idempotencyKeys()), jobs, admission,
              clock), jobs, cancel, resources), new JobEventStream(jobs, adapters.jobFeed(config.jobs()), resources, clock),
          new OpenApiDocument(), new NotificationRoutes(new RegisterWebhooks(adapters.webhookEndpoints(config.webhooks()),
              jobs, adapters.webhookUrlPolicy(config.webhooks()), ApiConfig.MAX_WEBHOOKS_PER_USER,
              config.webhookRotationOverlap(), clock), adapters.deviceTokens(config.devices()), adapters.emailRecipients()),
          Callers.of(adapters.authenticator(config.auth(), clock)), admission);
    });
  }

  ApiFunction(Supplier<ComfyApi> api) {
    this.api = api;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    api.get().handle(request, response);
  }
}
