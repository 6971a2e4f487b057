package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.deployment.Deployment;
import dev.darkroom.core.deployment.DeploymentVersion;
import dev.darkroom.core.deployment.FieldError;
import dev.darkroom.core.deployment.RunInputs;
import dev.darkroom.core.port.DeploymentStore;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * {@code POST /api/v2/deployments/{name}/runs}: checks the run's inputs against the version's
 * schema, fills its workflow and submits it as an ordinary job ({@link SubmitJob}: the same limits,
 * validation and {@code Idempotency-Key}). The job's {@code extra_data} records which deployment,
 * version and input values it ran, under {@link #EXTRA_DATA_KEY}.
 */
public final class RunDeployment {
  /** The key of {@code extra_data} a run's job records its deployment under: {@code {name, version, inputs, reply_topic?}}. */
  public static final String EXTRA_DATA_KEY = "darkroom_deployment";
  /** The field of {@link #EXTRA_DATA_KEY} naming the topic an event-driven run's end is published to. */
  public static final String REPLY_TOPIC = "reply_topic";

  /** What became of a run. */
  public sealed interface Result {
    /** No live deployment of that name is the caller's (none, another user's, or archived). */
    record NoDeployment() implements Result {}

    record NoVersion(int version) implements Result {}

    record Invalid(List<FieldError> errors) implements Result {}

    /** Handed to {@link SubmitJob}: what it answered. */
    record Submitted(SubmitJob.Result result) implements Result {}
  }

  private final DeploymentStore store;
  private final SubmitJob submit;
  private final PromptPolicy policy;
  private final LongSupplier randomSeeds;

  public RunDeployment(DeploymentStore store, SubmitJob submit, PromptPolicy policy) {
    this(store, submit, policy, new SecureRandom()::nextLong);
  }

  RunDeployment(DeploymentStore store, SubmitJob submit, PromptPolicy policy, LongSupplier randomSeeds) {
    this.store = store;
    this.submit = submit;
    this.policy = policy;
    this.randomSeeds = randomSeeds;
  }

  /**
   * @param body {@code {inputs, version?}}
   * @param key the {@code Idempotency-Key}, or null; a replay answers the first run's job (its seed too)
   */
  public Result run(Caller caller, String name, JsonNode body, String key, String requestHash) {
    return run(caller, name, body, key, requestHash, null);
  }

  /**
   * @param replyTopic where the job's end is also published ({@link #REPLY_TOPIC}, for {@code NotifyJobEnded}),
   *     an event-driven run's checked {@code reply_topic}; null for none
   */
  public Result run(Caller caller, String name, JsonNode body, String key, String requestHash, String replyTopic) {
    Optional<Deployment> deployment = store.find(caller.userId(), name).filter(d -> !d.archived());
    if (deployment.isEmpty()) {
      return new Result.NoDeployment();
    }
    JsonNode asked = body.path("version");
    int number;
    if (asked.isMissingNode() || asked.isNull()) {
      number = deployment.get().defaultVersion();
    } else if (asked.canConvertToInt() && asked.isIntegralNumber() && asked.intValue() >= 1) {
      number = asked.intValue();
    } else {
      return new Result.Invalid(List.of(new FieldError("version", "must be a version number (1 or more)")));
    }
    Optional<DeploymentVersion> version = store.version(caller.userId(), name, number);
    if (version.isEmpty()) {
      return new Result.NoVersion(number);
    }
    RunInputs.Filled filled = RunInputs.fill(version.get(), body.get("inputs"),
        upload -> policy.uploaded(caller.userId(), upload), randomSeeds);
    if (!filled.errors().isEmpty()) {
      return new Result.Invalid(filled.errors());
    }
    ObjectNode extraData = JsonNodeFactory.instance.objectNode();
    ObjectNode recorded = extraData.putObject(EXTRA_DATA_KEY).put("name", name).put("version", number);
    recorded.set("inputs", filled.used());
    if (replyTopic != null) {
      recorded.put(REPLY_TOPIC, replyTopic);
    }
    SubmitPrompt.Request request = new SubmitPrompt.Request(caller.userId(), filled.prompt(), null, null, false, null,
        extraData);
    return new Result.Submitted(submit.submit(caller, request, key, requestHash));
  }
}
