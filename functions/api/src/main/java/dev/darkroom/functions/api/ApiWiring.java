package dev.darkroom.functions.api;

import dev.darkroom.core.comfy.ModelLists;
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
import dev.darkroom.core.port.UserFiles;
import dev.darkroom.core.usecase.CancelJobs;
import dev.darkroom.core.usecase.FreshSignIn;
import dev.darkroom.core.usecase.ManageModels;
import dev.darkroom.core.usecase.PublishDeployment;
import dev.darkroom.core.usecase.RegisterWebhooks;
import dev.darkroom.core.usecase.RunDeployment;
import dev.darkroom.core.usecase.StandingRecheck;
import dev.darkroom.core.usecase.StartModelImport;
import dev.darkroom.core.usecase.StreamTicketing;
import dev.darkroom.core.usecase.SubmitJob;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.core.userdata.UserData;
import dev.darkroom.core.userdata.UserSettings;
import dev.darkroom.functions.api.http.Callers;
import dev.darkroom.functions.api.http.ClientAddress;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.functions.api.http.CrossOrigin;
import dev.darkroom.functions.api.routes.CatalogRoutes;
import dev.darkroom.functions.api.routes.ComfyJobsRoutes;
import dev.darkroom.functions.api.routes.ComfyServerRoutes;
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
import dev.darkroom.functions.api.routes.SettingsRoutes;
import dev.darkroom.functions.api.routes.StagedInputImages;
import dev.darkroom.functions.api.routes.StreamTicketRoutes;
import dev.darkroom.functions.api.routes.UploadGate;
import dev.darkroom.functions.api.routes.UploadedInputs;
import dev.darkroom.functions.api.routes.UserDataRoutes;
import dev.darkroom.functions.api.views.JobResources;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.OutboundHttp;
import dev.darkroom.gcp.Submissions;
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
    UploadGate uploadGate = new UploadGate(config.bounds().uploadsPerUser(), config.bounds().uploadMemoryMb());
    ModelStore models = adapters.modelStore(config.models().collection());
    Submissions submissions = Submissions.wire(adapters, jobs, outputs, config.outputs(), new Submissions.Settings(
        config.models().collection(), config.jobSubmitted(), config.limits(), config.idempotencyKeys(),
        config.runTimeLimits()), clock);
    ModelLists modelLists = submissions.modelLists();
    PromptPolicy policy = submissions.policy();
    SubmitPrompt submit = submissions.prompts();
    Admission admission = submissions.admission();
    CancelJobs cancel = new CancelJobs(jobs, adapters.ledger(), clock);
    JobResources resources = new JobResources(jobs, new SignedReadUrls(outputs, clock),
        config.bounds().signedUrlsPerRequest());
    RegisterWebhooks webhooks = new RegisterWebhooks(adapters.webhookEndpoints(config.webhooks()), jobs,
        adapters.webhookUrlPolicy(config.webhooks()), ApiConfig.MAX_WEBHOOKS_PER_USER, config.webhookRotationOverlap(),
        clock);
    StreamTicketing tickets = new StreamTicketing(adapters.streamTickets(config.eventStreams().tickets()), clock);
    SubmitJob submitJob = submissions.jobs();
    DeploymentStore deployments = adapters.deployments(config.deployments());
    StandingRecheck standing = new StandingRecheck(adapters.callerStanding(config.auth()), clock,
        config.eventStreams().recheck());
    UserFiles userFiles = adapters.userFiles(config.outputs());
    UserData userData = new UserData(userFiles);
    return new ComfyApi(Callers.of(adapters.authenticator(config.auth(), clock)), tickets,
        new FailedAuthentications(config.failedAuthenticationsPerMinute(), clock),
        new ClientAddress(config.trustedProxyHops()),
        new CrossOrigin(config.origins().allowed(), !config.auth().required()), admission, clock,
        new PromptRoutes(submit, jobs),
        new QueueRoutes(jobs, cancel, config.bounds().listingMaxBytes()),
        new HistoryRoutes(jobs, clock, config.bounds().listingMaxBytes()),
        new FileRoutes(jobs, outputs, uploads, uploadGate),
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
        new ModelRoutes(models, new ManageModels(models,
            adapters.modelBucket(config.models(), config.outputs(), clock), config.models().allowPickled(),
            modelLists::invalidate, clock)),
        new ModelImportRoutes(new StartModelImport(models, adapters.modelImportLauncher(config.modelImports()),
            adapters.modelImportUrlPolicy(config.modelImports().allowLoopback()),
            new SecretSealer(config.modelImports().tokensKey())::seal, clock), models,
            Caller::admin),
        new DeploymentRoutes(new PublishDeployment(deployments, policy, clock),
            new RunDeployment(deployments, submitJob, policy,
                StagedInputImages.over(new OutboundHttp(adapters.webhookUrlPolicy(config.webhooks())), uploads)),
            deployments, jobs, resources, clock, uploadGate).notifyingThrough(webhooks),
        new UserDataRoutes(userData),
        new SettingsRoutes(new UserSettings(userFiles)),
        new ComfyServerRoutes(userData),
        new ComfyJobsRoutes(jobs, cancel));
  }
}
