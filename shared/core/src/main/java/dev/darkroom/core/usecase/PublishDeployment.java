package dev.darkroom.core.usecase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.PromptError;
import dev.darkroom.core.comfy.PromptPolicy;
import dev.darkroom.core.comfy.PromptVerdict;
import dev.darkroom.core.deployment.DeploymentLimits;
import dev.darkroom.core.deployment.FieldError;
import dev.darkroom.core.port.DeploymentStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /api/v2/deployments}: checks the definition (its inputs against the workflow and the
 * catalog, the workflow exactly as {@code POST /prompt} checks a prompt) and stores it as the next
 * version of its name.
 */
public final class PublishDeployment {

  /** What became of a definition. */
  public sealed interface Result {
    record Published(DeploymentStore.Added.Stored stored) implements Result {}

    /** Wrong fields; {@code nodeErrors} is ComfyUI's, for a workflow that did not validate (else null). */
    record Invalid(List<FieldError> errors, ObjectNode nodeErrors) implements Result {}

    /** Over a limit on deployments or versions. */
    record OverLimit(String message) implements Result {}
  }

  private final DeploymentStore store;
  private final PromptPolicy policy;
  private final Clock clock;

  public PublishDeployment(DeploymentStore store, PromptPolicy policy, Clock clock) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
  }

  public Result publish(String userId, JsonNode body) {
    DeploymentDefinition.Parsed parsed = DeploymentDefinition.parse(body, policy.catalog().current());
    if (!parsed.errors().isEmpty()) {
      return new Result.Invalid(parsed.errors(), null);
    }
    DeploymentDefinition definition = parsed.definition();
    Optional<PromptError> tooLarge = PromptPolicy.checkBounds(definition.workflow());
    if (tooLarge.isPresent()) {
      return new Result.Invalid(List.of(new FieldError("workflow", tooLarge.get().details())), null);
    }
    PromptVerdict checked = policy.check(definition.workflow(), null, userId);
    if (!checked.accepted()) {
      PromptError error = checked.error();
      String why = error.details() == null || error.details().isEmpty()
          ? error.message() : error.message() + ": " + error.details();
      return new Result.Invalid(List.of(new FieldError("workflow", why)), checked.nodeErrors());
    }
    DeploymentStore.Added added = store.addVersion(userId, definition.name(), checked.prompt(), definition.inputs(),
        definition.maxRunSeconds(), clock.instant(), DeploymentLimits.DEPLOYMENTS_PER_USER, DeploymentLimits.VERSIONS_PER_DEPLOYMENT);
    if (added instanceof DeploymentStore.Added.TooManyDeployments many) {
      return new Result.OverLimit("you have " + many.limit() + " deployments, the most allowed; delete one first");
    }
    if (added instanceof DeploymentStore.Added.TooManyVersions many) {
      return new Result.OverLimit("deployment " + definition.name() + " has " + many.limit()
          + " versions, the most allowed; publish under a new name");
    }
    return new Result.Published((DeploymentStore.Added.Stored) added);
  }
}
