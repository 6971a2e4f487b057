package dev.darkroom.functions.runs;

import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.RunDeployment;
import dev.darkroom.core.usecase.RunFromMessage;
import dev.darkroom.core.usecase.SubmitJob;
import dev.darkroom.core.usecase.SubmitPrompt;
import dev.darkroom.gcp.Adapters;
import java.time.Clock;

/**
 * The production wiring: a run is submitted through the same use cases, stores and topic as
 * {@code POST /api/v2/deployments/{name}/runs} (the node catalog, the uploads, the idempotency keys,
 * the submission limits), so a message and a request with the same key name one job.
 */
final class RunsWiring {
  private RunsWiring() {}

  static RunFromMessage build(RunsConfig config) {
    Adapters adapters = new Adapters(config.cloud(), config.database());
    Clock clock = Clock.systemUTC();
    JobStore jobs = adapters.jobStore(config.jobs());
    PromptPolicy policy = new PromptPolicy(adapters.nodeCatalog(config.outputs()), adapters.outputStore(config.outputs()),
        clock);
    SubmitPrompt submit = new SubmitPrompt(jobs, adapters.jobQueue(config.jobSubmitted()), policy, clock);
    Admission admission = new Admission(adapters.rateCounter(), jobs, adapters.usage(), config.limits(), clock);
    SubmitJob submitJob = new SubmitJob(submit, adapters.idempotencyKeys(config.idempotencyKeys()), jobs, admission,
        clock);
    RunDeployment run = new RunDeployment(adapters.deployments(config.deployments()), submitJob, policy);
    return new RunFromMessage(config.integrations(), run, adapters.runEvents(config.jobEventsPublic()), clock);
  }
}
