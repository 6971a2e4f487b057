package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.comfy.PromptVerdict;
import dev.darkroom.core.deployment.DeploymentLimits;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.RunTimeLimits;
import dev.darkroom.testing.InMemoryDeploymentStore;
import dev.darkroom.testing.InMemoryIdempotencyKeys;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.InMemoryRateCounter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The limit a job is accepted with, whichever way it comes in, recorded on the job. */
class SubmitTimeLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final UseCaseFixture f = new UseCaseFixture();
  private final AtomicInteger ids = new AtomicInteger();
  private final SubmitPrompt prompts = new SubmitPrompt(f.jobs, f.queue,
      (prompt, targets, user) -> PromptVerdict.accepted(prompt), f.clock, () -> "job-" + ids.incrementAndGet())
      .limitingRunTime(RunTimeLimits.of("free=600,standard=3600"));
  private final SubmitJob jobs = new SubmitJob(prompts, new InMemoryIdempotencyKeys(), f.jobs,
      new Admission(new InMemoryRateCounter(), f.jobs, f.ledger, Admission.Settings.none(), f.clock), f.clock,
      () -> "v2-" + ids.incrementAndGet());
  private final InMemoryDeploymentStore deployments = new InMemoryDeploymentStore();
  private final RunDeployment runs = new RunDeployment(deployments, jobs,
      new PromptPolicy(new InMemoryNodeCatalogStore(), new InMemoryOutputStore(), f.clock), () -> 42L);

  private Job submitted(String tier, Long asked) {
    SubmitPrompt.Result.Accepted accepted = (SubmitPrompt.Result.Accepted) prompts.submit(
        f.request("alice", null).withTier(tier).cappedAt(asked));
    return f.jobs.get(accepted.promptId()).orElseThrow();
  }

  @Test
  void aPromptGetsItsTiersMaximumLoweredByWhatItAsked() {
    assertThat(submitted("free", null).maxRunSeconds()).isEqualTo(600);
    assertThat(submitted(null, null).maxRunSeconds()).as("no tier: the default tier's").isEqualTo(3600);
    assertThat(submitted("free", 120L).maxRunSeconds()).isEqualTo(120);
    assertThat(submitted("free", 7200L).maxRunSeconds()).as("capped, not refused").isEqualTo(600);
    assertThat(submitted("pro", null).maxRunSeconds()).as("a tier not listed: the GPU task's hour")
        .isEqualTo(RunTimeLimits.GPU_TASK_SECONDS);
  }

  @Test
  void aV2JobIsLimitedByItsCallersTierNotTheRequestsClaim() {
    SubmitJob.Result result = jobs.submit(new Caller("alice", "free", Caller.Method.API_KEY, "k1", false),
        f.request("alice", null).withTier("standard").cappedAt(900L), null, "");

    String id = ((SubmitJob.Result.Submitted) result).jobId();
    assertThat(f.jobs.get(id).orElseThrow().maxRunSeconds()).isEqualTo(600);
  }

  @Test
  void aDeploymentRunIsLimitedByTheTightestOfItsRequestItsVersionAndItsTier() throws Exception {
    ObjectNode workflow = (ObjectNode) JSON.readTree("{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\"}}}");
    deployments.addVersion("alice", "portrait", workflow, List.of(), 300L, f.clock.instant(),
        DeploymentLimits.DEPLOYMENTS_PER_USER, DeploymentLimits.VERSIONS_PER_DEPLOYMENT);
    deployments.addVersion("alice", "portrait", workflow, List.of(), null, f.clock.instant(),
        DeploymentLimits.DEPLOYMENTS_PER_USER, DeploymentLimits.VERSIONS_PER_DEPLOYMENT);
    Caller standard = new Caller("alice", "standard", Caller.Method.API_KEY, "k1", false);

    assertThat(run(standard, "{\"version\": 1, \"inputs\": {}}").maxRunSeconds()).as("the version's").isEqualTo(300);
    assertThat(run(standard, "{\"version\": 1, \"inputs\": {}, \"max_run_seconds\": 100}").maxRunSeconds())
        .as("the request's, below the version's").isEqualTo(100);
    assertThat(run(standard, "{\"version\": 1, \"inputs\": {}, \"max_run_seconds\": 900}").maxRunSeconds())
        .as("the version's, below the request's").isEqualTo(300);
    assertThat(run(standard, "{\"version\": 2, \"inputs\": {}}").maxRunSeconds()).as("no version maximum: the tier's")
        .isEqualTo(3600);
    assertThat(run(new Caller("alice", "free", Caller.Method.API_KEY, "k1", false),
        "{\"version\": 2, \"inputs\": {}, \"max_run_seconds\": 900}").maxRunSeconds()).isEqualTo(600);
  }

  @Test
  void aBadMaximumOnARunIsRefusedNamingTheFieldAndSubmitsNothing() throws Exception {
    ObjectNode workflow = (ObjectNode) JSON.readTree("{\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"x\"}}}");
    deployments.addVersion("alice", "portrait", workflow, List.of(), f.clock.instant(),
        DeploymentLimits.DEPLOYMENTS_PER_USER, DeploymentLimits.VERSIONS_PER_DEPLOYMENT);

    RunDeployment.Result result = runs.run(new Caller("alice", "free", Caller.Method.API_KEY, "k1", false),
        "portrait", JSON.readTree("{\"inputs\": {}, \"max_run_seconds\": 2.5}"), "key-1", "hash");

    assertThat(result).isInstanceOfSatisfying(RunDeployment.Result.Invalid.class, invalid ->
        assertThat(invalid.errors()).singleElement().satisfies(error -> {
          assertThat(error.field()).isEqualTo("max_run_seconds");
          assertThat(error.message()).contains("whole number of seconds");
        }));
    assertThat(f.jobs.all()).isEmpty();
    assertThat(f.queue.published).isEmpty();
  }

  private Job run(Caller caller, String body) throws Exception {
    RunDeployment.Result result = runs.run(caller, "portrait", JSON.readTree(body), null, "");
    String id = ((SubmitJob.Result.Submitted) ((RunDeployment.Result.Submitted) result).result()).jobId();
    return f.jobs.get(id).orElseThrow();
  }
}
