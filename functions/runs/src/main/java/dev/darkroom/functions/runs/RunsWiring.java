package dev.darkroom.functions.runs;

import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.usecase.RunDeployment;
import dev.darkroom.core.usecase.RunFromMessage;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.Submissions;
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
    Submissions submissions = Submissions.wire(adapters, jobs, adapters.outputStore(config.outputs()), config.outputs(),
        new Submissions.Settings(config.models(), config.jobSubmitted(), config.limits(), config.idempotencyKeys(),
            config.runTimeLimits()),
        clock);
    RunDeployment run = new RunDeployment(adapters.deployments(config.deployments()), submissions.jobs(),
        submissions.policy());
    return new RunFromMessage(config.integrations(), run, adapters.runEvents(config.jobEventsPublic()), clock);
  }
}
