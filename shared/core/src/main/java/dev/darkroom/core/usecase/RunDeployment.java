package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.deployment.Deployment;
import dev.darkroom.core.deployment.DeploymentInput;
import dev.darkroom.core.deployment.DeploymentLimits;
import dev.darkroom.core.deployment.DeploymentVersion;
import dev.darkroom.core.deployment.FieldError;
import dev.darkroom.core.deployment.ImageValue;
import dev.darkroom.core.deployment.InputType;
import dev.darkroom.core.deployment.RunInputs;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.limits.RunTimeLimits;
import dev.darkroom.core.port.DeploymentStore;
import dev.darkroom.core.port.InputImages;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code POST /api/v2/deployments/{name}/runs}: checks the run's inputs against the version's
 * schema, fills its workflow and submits it as an ordinary job ({@link SubmitJob}: the same limits,
 * validation and {@code Idempotency-Key}). The job's {@code extra_data} records which deployment,
 * version and input values it ran, under {@link #EXTRA_DATA_KEY}.
 *
 * <p>An image input given by URL or as base64 data is staged ({@link InputImages}) as one of the
 * caller's input files, and the workflow and the job's record get that file's name. Staging comes
 * after every other check, so a run that is wrong anyway fetches nothing.
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
  private final InputImages images;
  private final LongSupplier randomSeeds;

  /** Without image staging: an image input takes only the name of one of the caller's uploads. */
  public RunDeployment(DeploymentStore store, SubmitJob submit, PromptPolicy policy) {
    this(store, submit, policy, NO_STAGING);
  }

  public RunDeployment(DeploymentStore store, SubmitJob submit, PromptPolicy policy, InputImages images) {
    this(store, submit, policy, images, new SecureRandom()::nextLong);
  }

  /** Without image staging, with these seeds (tests). */
  RunDeployment(DeploymentStore store, SubmitJob submit, PromptPolicy policy, LongSupplier randomSeeds) {
    this(store, submit, policy, NO_STAGING, randomSeeds);
  }

  RunDeployment(DeploymentStore store, SubmitJob submit, PromptPolicy policy, InputImages images,
      LongSupplier randomSeeds) {
    this.store = store;
    this.submit = submit;
    this.policy = policy;
    this.images = images;
    this.randomSeeds = randomSeeds;
  }

  private static final String NOT_STAGED = "only the name of one of your uploads is accepted here";
  private static final InputImages NO_STAGING = new InputImages() {
    @Override
    public Staged fromUrl(String userId, java.net.URI url) {
      return new Staged.Refused(NOT_STAGED);
    }

    @Override
    public Staged fromBytes(String userId, byte[] content) {
      return new Staged.Refused(NOT_STAGED);
    }
  };

  /**
   * @param body {@code {inputs, version?, max_run_seconds?}}; the run's time limit is the tightest of its
   *     {@code max_run_seconds}, the version's and the caller's tier's ({@link RunTimeLimits})
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
    RunTimeLimits.Requested maxRun = RunTimeLimits.requested(body.get(RunTimeLimits.REQUEST_FIELD));
    if (maxRun.problem() != null) {
      return new Result.Invalid(List.of(new FieldError(RunTimeLimits.REQUEST_FIELD, maxRun.problem())));
    }
    Optional<DeploymentVersion> version = store.version(caller.userId(), name, number);
    if (version.isEmpty()) {
      return new Result.NoVersion(number);
    }
    // Types, bounds and unknown fields first, image values taken on trust: nothing is fetched for a wrong run.
    RunInputs.Filled checked = RunInputs.fill(version.get(), body.get("inputs"), image -> true, () -> 0L);
    if (!checked.errors().isEmpty()) {
      return new Result.Invalid(checked.errors());
    }
    StagedImages staged = stageImages(caller.userId(), version.get(), body.get("inputs"));
    if (!staged.errors().isEmpty()) {
      return new Result.Invalid(staged.errors());
    }
    RunInputs.Filled filled = RunInputs.fill(version.get(), staged.inputs(), staged.names()::contains, randomSeeds);
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
        extraData).cappedAt(maxRun.seconds()).cappedAt(version.get().maxRunSeconds());
    return new Result.Submitted(submit.submit(caller, request, key, requestHash));
  }

  /**
   * The run's inputs with every image value an input file's name.
   *
   * @param names the image values that name an input file of the caller's (staged or uploaded)
   */
  private record StagedImages(JsonNode inputs, Set<String> names, List<FieldError> errors) {}

  private StagedImages stageImages(String userId, DeploymentVersion version, JsonNode given) {
    Set<String> names = new HashSet<>();
    List<FieldError> errors = new ArrayList<>();
    if (given == null || !given.isObject()) {
      return new StagedImages(given, names, errors);
    }
    ObjectNode inputs = ((ObjectNode) given).deepCopy();
    int stagedCount = 0;
    for (DeploymentInput input : version.inputs()) {
      JsonNode value = inputs.get(input.name());
      if (input.type() != InputType.IMAGE || value == null || !value.isTextual()) {
        continue;
      }
      String field = "inputs." + input.name();
      ImageValue image = ImageValue.parse(value.textValue());
      if (image instanceof ImageValue.NameOrBase64 text && policy.uploaded(userId, text.text())) {
        names.add(text.text());
        continue;
      }
      if (++stagedCount > DeploymentLimits.STAGED_IMAGES_PER_RUN) {
        errors.add(new FieldError(field, "at most " + DeploymentLimits.STAGED_IMAGES_PER_RUN
            + " images by URL or data per run; upload the others (POST /api/upload/image) and pass their names"));
        continue;
      }
      InputImages.Staged staged = stage(userId, image);
      if (staged instanceof InputImages.Staged.Name name) {
        names.add(name.name());
        inputs.put(input.name(), name.name());
      } else {
        errors.add(new FieldError(field, ((InputImages.Staged.Refused) staged).why()));
      }
    }
    return new StagedImages(inputs, names, errors);
  }

  private InputImages.Staged stage(String userId, ImageValue image) {
    if (image instanceof ImageValue.Url url) {
      return images.fromUrl(userId, url.url());
    }
    if (image instanceof ImageValue.Data data) {
      return bounded(userId, data.bytes());
    }
    if (image instanceof ImageValue.Malformed malformed) {
      return new InputImages.Staged.Refused(malformed.why());
    }
    String text = ((ImageValue.NameOrBase64) image).text();
    if (text.length() > ImageValue.MAX_BASE64_CHARS) {
      return new InputImages.Staged.Refused("is larger than " + InputLimits.UPLOAD_BODY_BYTES
          + " bytes, the upload size limit");
    }
    Optional<byte[]> bytes = ((ImageValue.NameOrBase64) image).base64().filter(decoded -> decoded.length > 0);
    if (bytes.isEmpty()) {
      return new InputImages.Staged.Refused("you have no upload named \"" + InputLimits.shown(text) + "\"");
    }
    InputImages.Staged staged = bounded(userId, bytes.get());
    return staged instanceof InputImages.Staged.Refused refused
        ? new InputImages.Staged.Refused("is not one of your uploads, and as base64 data: " + refused.why())
        : staged;
  }

  private InputImages.Staged bounded(String userId, byte[] bytes) {
    if (bytes.length > InputLimits.UPLOAD_BODY_BYTES) {
      return new InputImages.Staged.Refused("is larger than " + InputLimits.UPLOAD_BODY_BYTES
          + " bytes, the upload size limit");
    }
    return images.fromBytes(userId, bytes);
  }
}
