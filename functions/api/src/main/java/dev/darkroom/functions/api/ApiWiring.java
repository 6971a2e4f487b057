package dev.darkroom.functions.api;

import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.FailedAuthentications;
import dev.darkroom.core.limits.OpenStreams;
import dev.darkroom.core.media.SignedReadUrls;
import dev.darkroom.core.port.DeploymentStore;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.ModelStore;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.usecase.CancelJobs;
import dev.darkroom.core.usecase.FreshSignIn;
import dev.darkroom.core.usecase.PublishDeployment;
import dev.darkroom.core.usecase.RunDeployment;
import dev.darkroom.core.usecase.StandingRecheck;
import dev.darkroom.core.usecase.StartModelImport;
import dev.darkroom.core.usecase.StreamTicketing;
import dev.darkroom.core.usecase.RegisterWebhooks;
import dev.darkroom.core.usecase.SubmitJob;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.functions.api.http.Callers;
import dev.darkroom.functions.api.http.ClientAddress;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.http.CrossOrigin;
import dev.darkroom.functions.api.routes.CatalogRoutes;
import dev.darkroom.functions.api.routes.DeploymentRoutes;
import dev.darkroom.functions.api.routes.FileRoutes;
import dev.darkroom.functions.api.routes.HistoryRoutes;
import dev.darkroom.functions.api.routes.JobEventStream;
import dev.darkroom.functions.api.routes.JobRoutes;
import dev.darkroom.functions.api.routes.KeyRoutes;
import dev.darkroom.functions.api.routes.ModelImportRoutes;
import dev.darkroom.functions.api.routes.ModelRoutes;
import dev.darkroom.functions.api.routes.NotificationRoutes;
import dev.darkroom.functions.api.routes.OpenApiDocument;
import dev.darkroom.functions.api.routes.PromptRoutes;
import dev.darkroom.functions.api.routes.QueueRoutes;
import dev.darkroom.functions.api.routes.StreamTicketRoutes;
import dev.darkroom.functions.api.routes.UploadedInputs;
import dev.darkroom.functions.api.views.JobResources;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.SecretSealer;
import java.time.Clock;
import org.slf4j.LoggerFactory;

/** The api's production wiring: the adapters its configuration names, the use cases, the route groups. */
final class ApiWiring {
  private ApiWiring() {}

  static ComfyApi build(ApiConfig config) {
    Adapters adapters = new Adapters(config.cloud(), config.database());
    Clock clock = Clock.systemUTC();
    LoggerFactory.getLogger(ApiFunction.class).info("api starting: authentication {}, limits {}, browser origins {}",
        config.auth().required() ? "on" : "OFF (local user)", config.limits(), config.origins().allowed());
    JobStore jobs = adapters.jobStore(config.jobs());
    OutputStore outputs = adapters.outputStore(config.outputs());
    UploadedInputs uploads = new UploadedInputs(outputs);
    PromptPolicy policy = new PromptPolicy(adapters.nodeCatalog(config.outputs()), outputs, clock);
    SubmitPrompt submit = new SubmitPrompt(jobs, adapters.jobQueue(config.jobSubmitted()), policy, clock);
    Admission admission = new Admission(adapters.rateCounter(), jobs, adapters.usage(), config.limits(), clock);
    CancelJobs cancel = new CancelJobs(jobs, adapters.ledger(), clock);
    JobResources resources = new JobResources(jobs, new SignedReadUrls(outputs, clock),
        config.bounds().signedUrlsPerRequest());
    RegisterWebhooks webhooks = new RegisterWebhooks(adapters.webhookEndpoints(config.webhooks()), jobs,
        adapters.webhookUrlPolicy(config.webhooks()), ApiConfig.MAX_WEBHOOKS_PER_USER, config.webhookRotationOverlap(),
        clock);
    StreamTicketing tickets = new StreamTicketing(adapters.streamTickets(config.eventStreams().tickets()), clock);
    SubmitJob submitJob = new SubmitJob(submit, adapters.idempotencyKeys(config.idempotencyKeys()), jobs, admission,
        clock);
    DeploymentStore deployments = adapters.deployments(config.deployments());
    ModelStore models = adapters.modelStore(config.models());
    StandingRecheck standing = new StandingRecheck(adapters.callerStanding(config.auth()), clock,
        config.eventStreams().recheck());
    return new ComfyApi(Callers.of(adapters.authenticator(config.auth(), clock)), tickets,
        new FailedAuthentications(config.failedAuthenticationsPerMinute(), clock),
        new ClientAddress(config.trustedProxyHops()),
        new CrossOrigin(config.origins().allowed(), !config.auth().required()), admission, clock,
        new PromptRoutes(submit, jobs),
        new QueueRoutes(jobs, cancel, config.bounds().listingMaxBytes()),
        new HistoryRoutes(jobs, clock, config.bounds().listingMaxBytes()),
        new FileRoutes(jobs, outputs, uploads, config.bounds().uploadsPerUser(), config.bounds().uploadMemoryMb()),
        new CatalogRoutes(policy.catalog()),
        new KeyRoutes(adapters.apiKeys(config.apiKeys(), config.auth().defaultTier(), clock),
            new FreshSignIn(adapters.signInTimes(), config.keySignInMaxAge(), clock)),
        new StreamTicketRoutes(tickets),
        new JobRoutes(submitJob, jobs, cancel, resources),
        new JobEventStream(jobs, adapters.jobFeed(config.jobs()), resources, clock,
            new OpenStreams("event streams", config.eventStreams().limits()), standing),
        new OpenApiDocument(),
        new NotificationRoutes(webhooks, adapters.deviceTokens(config.devices()), adapters.emailRecipients(),
            adapters.deliveryLog()),
        new ModelRoutes(models),
        new ModelImportRoutes(new StartModelImport(models, adapters.modelImportLauncher(config.modelImports()),
            adapters.modelImportUrlPolicy(config.modelImports().allowLoopback()),
            new SecretSealer(config.modelImports().tokensKey())::seal, clock), models,
            caller -> caller.method() == Caller.Method.LOCAL), // integrator: Caller::admin
        new DeploymentRoutes(new PublishDeployment(deployments, policy, clock),
            new RunDeployment(deployments, submitJob, policy), deployments, jobs, resources, clock));
  }
}
