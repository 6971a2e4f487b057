package dev.darkroom.gcp;

import dev.darkroom.core.comfy.ModelLists;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.comfy.PublishedCatalog;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.RunTimeLimits;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.usecase.SubmitJob;
import dev.darkroom.core.usecase.SubmitPrompt;
import java.time.Clock;

/**
 * How a job is accepted, wired once for every way in (the api's routes, the runs function's
 * messages): prompts validated against the engine's published nodes and the models' current
 * states ({@link ModelLists}, so a model is usable the moment it is ready wherever a job comes
 * from), the user's limits, the idempotency keys, then the create and the publish.
 *
 * @param modelLists the models' states as prompts see them; {@link ModelLists#invalidate} after a change
 */
public record Submissions(PromptPolicy policy, ModelLists modelLists, Admission admission, SubmitPrompt prompts,
    SubmitJob jobs) {

  /**
   * The settings a submission depends on.
   *
   * @param runTimeLimits the tiers' maximum run times, which every accepted job's limit is capped by
   */
  public record Settings(CollectionConfig models, TopicConfig jobSubmitted, Admission.Settings limits,
      CollectionConfig idempotencyKeys, RunTimeLimits runTimeLimits) {
    /** With {@link RunTimeLimits#defaults}. */
    public Settings(CollectionConfig models, TopicConfig jobSubmitted, Admission.Settings limits,
        CollectionConfig idempotencyKeys) {
      this(models, jobSubmitted, limits, idempotencyKeys, RunTimeLimits.defaults());
    }
  }

  public static Submissions wire(Adapters adapters, JobStore jobs, OutputStore outputs, OutputsConfig outputsConfig,
      Settings settings, Clock clock) {
    ModelLists modelLists = new ModelLists(adapters.modelStore(settings.models()), clock);
    PromptPolicy policy = new PromptPolicy(
        new PublishedCatalog(adapters.nodeCatalog(outputsConfig), modelLists, clock), outputs);
    SubmitPrompt prompts = new SubmitPrompt(jobs, adapters.jobQueue(settings.jobSubmitted()), policy, clock)
        .limitingRunTime(settings.runTimeLimits());
    Admission admission = new Admission(adapters.rateCounter(), jobs, adapters.usage(), settings.limits(), clock);
    SubmitJob submitJob = new SubmitJob(prompts, adapters.idempotencyKeys(settings.idempotencyKeys()), jobs, admission,
        clock);
    return new Submissions(policy, modelLists, admission, prompts, submitJob);
  }
}
