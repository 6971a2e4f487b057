package dev.darkroom.core.usecase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.deployment.FieldError;
import dev.darkroom.core.deployment.InboundIntegration;
import dev.darkroom.core.deployment.RunRefusal;
import dev.darkroom.core.job.RequestHash;
import dev.darkroom.core.limits.RunTimeLimits;
import dev.darkroom.core.port.RunEvents;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An event-driven run: a message {@code {deployment, inputs?, idempotency_key, reply_topic?, version?,
 * max_run_seconds?}}
 * published on an integration's inbound topic runs the deployment exactly as
 * {@code POST /api/v2/deployments/{name}/runs} does ({@link RunDeployment}), as the user the topic is
 * configured for ({@link InboundIntegration}: the topic, never the message, says who).
 *
 * <p>Pub/Sub delivers at least once, and an integration may publish again after a timeout: the
 * {@code idempotency_key} is required and scoped as the HTTP route's {@code Idempotency-Key} (per
 * user, the request compared by the same hash), so every copy names one job.
 *
 * <p>A message that can never succeed (not JSON, a field missing or wrong, no such deployment of
 * that user, a topic no integration has, a reply topic it may not use, the key reused for another
 * run, over a monthly quota) is refused: reported through {@link RunEvents} and acknowledged. A
 * transient failure (a store down, the user over a rate or waiting-jobs limit) throws, so Pub/Sub
 * delivers it again, and dead-letters it after its maximum attempts.
 */
public final class RunFromMessage {
  /** The CloudEvent type a refusal is reported as. */
  public static final String REFUSED_TYPE = "dev.darkroom.run.refused";
  static final int MAX_IDEMPOTENCY_KEY_CHARS = 255;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What became of a message. */
  public sealed interface Result {
    /** The job exists; {@code replayed} when an earlier copy (or an HTTP run with the key) created it. */
    record Submitted(String jobId, boolean replayed, InboundIntegration integration) implements Result {}

    /** Acknowledged without a run; already reported on the public topic, and on {@code replyTopic} if not null. */
    record Refused(RunRefusal refusal, String replyTopic) implements Result {}
  }

  /** The user is over a limit that lifts with time (429): the message is delivered again later. */
  public static final class OverLimitForNow extends RuntimeException {
    OverLimitForNow(String message) {
      super(message);
    }
  }

  private final Map<String, InboundIntegration> byTopic;
  private final RunDeployment run;
  private final RunEvents events;
  private final Clock clock;

  public RunFromMessage(List<InboundIntegration> integrations, RunDeployment run, RunEvents events, Clock clock) {
    this.byTopic = integrations.stream().collect(Collectors.toUnmodifiableMap(InboundIntegration::topic,
        Function.identity()));
    this.run = run;
    this.events = events;
    this.clock = clock;
  }

  /**
   * @param topic the id of the topic the message was published on (from the event, never its body)
   * @param messageId Pub/Sub's id of the message
   * @param data the message's bytes
   */
  public Result handle(String topic, String messageId, byte[] data) {
    InboundIntegration integration = byTopic.get(topic);
    if (integration == null) {
      return refuse(new Refusing(messageId, topic, null), List.of("topic " + topic
          + " is not the inbound topic of any configured integration (INBOUND_INTEGRATIONS)"));
    }
    Refusing refusing = new Refusing(messageId, topic, integration);
    JsonNode message;
    try {
      message = JSON.readTree(data);
    } catch (JsonProcessingException e) {
      return refuse(refusing, List.of("the message is not JSON: " + e.getOriginalMessage()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("reading a message from memory", e);
    }
    if (message == null || !message.isObject()) {
      return refuse(refusing, List.of("the message must be a JSON object"));
    }
    List<FieldError> errors = new ArrayList<>();
    String name = text(message, "deployment", errors);
    refusing.deployment = name;
    String key = text(message, "idempotency_key", errors);
    if (key != null && (key.length() > MAX_IDEMPOTENCY_KEY_CHARS || !key.chars().allMatch(c -> c >= 0x20 && c <= 0x7e))) {
      errors.add(new FieldError("idempotency_key", "must be 1 to " + MAX_IDEMPOTENCY_KEY_CHARS
          + " printable ASCII characters"));
      key = null;
    }
    refusing.key = key;
    JsonNode reply = message.path("reply_topic");
    if (!reply.isMissingNode() && !reply.isNull()) {
      if (!reply.isTextual()) {
        errors.add(new FieldError("reply_topic", "must be a string"));
      } else if (!integration.replyTopics().contains(reply.textValue())) {
        errors.add(new FieldError("reply_topic", "\"" + reply.textValue() + "\" is not a reply topic integration "
            + integration.name() + " may use"));
      } else {
        refusing.replyTopic = reply.textValue();
      }
    }
    if (!errors.isEmpty()) {
      return refuse(refusing, reasons(errors));
    }
    ObjectNode body = JSON.createObjectNode();
    if (message.has("inputs")) {
      body.set("inputs", message.get("inputs"));
    }
    if (message.has("version")) {
      body.set("version", message.get("version"));
    }
    if (message.has(RunTimeLimits.REQUEST_FIELD)) {
      body.set(RunTimeLimits.REQUEST_FIELD, message.get(RunTimeLimits.REQUEST_FIELD));
    }
    Caller caller = Caller.integration(integration.userId(), integration.tier());
    RunDeployment.Result result = run.run(caller, name, body, key, RequestHash.ofRun(name, body), refusing.replyTopic);
    if (result instanceof RunDeployment.Result.NoDeployment) {
      return refuse(refusing, List.of("deployment: user " + integration.userId() + " has no deployment named \""
          + name + "\""));
    } else if (result instanceof RunDeployment.Result.NoVersion none) {
      return refuse(refusing, List.of("version: deployment " + name + " has no version " + none.version()));
    } else if (result instanceof RunDeployment.Result.Invalid invalid) {
      return refuse(refusing, reasons(invalid.errors()));
    }
    SubmitJob.Result submitted = ((RunDeployment.Result.Submitted) result).result();
    if (submitted instanceof SubmitJob.Result.Submitted job) {
      return new Result.Submitted(job.jobId(), job.replayed(), integration);
    } else if (submitted instanceof SubmitJob.Result.KeyReused reused) {
      return refuse(refusing, List.of("idempotency_key: " + reused.message()));
    } else if (submitted instanceof SubmitJob.Result.Invalid invalid) {
      return refuse(refusing, List.of("the filled workflow did not validate: " + invalid.error().message()
          + (invalid.error().details() == null || invalid.error().details().isEmpty() ? ""
              : " (" + invalid.error().details() + ")")));
    }
    SubmitJob.Result.OverLimit over = (SubmitJob.Result.OverLimit) submitted;
    if (over.refusal().status() == 429) {
      throw new OverLimitForNow("user " + integration.userId() + " is over a limit for now: "
          + over.refusal().message());
    }
    return refuse(refusing, List.of(over.refusal().message()));
  }

  /** A required, non-empty string field; null (an error added) if absent or not one. */
  private static String text(JsonNode message, String field, List<FieldError> errors) {
    JsonNode value = message.path(field);
    if (value.isMissingNode() || value.isNull()) {
      errors.add(new FieldError(field, "required"));
      return null;
    }
    if (!value.isTextual() || value.textValue().isEmpty()) {
      errors.add(new FieldError(field, "must be a non-empty string"));
      return null;
    }
    return value.textValue();
  }

  private static List<String> reasons(List<FieldError> errors) {
    return errors.stream().map(FieldError::toString).toList();
  }

  /** What is known of a message being refused, filled in as it is read. */
  private static final class Refusing {
    final String messageId;
    final String topic;
    final InboundIntegration integration;
    String deployment;
    String key;
    /** Set only once checked against the integration's allowed reply topics. */
    String replyTopic;

    Refusing(String messageId, String topic, InboundIntegration integration) {
      this.messageId = messageId;
      this.topic = topic;
      this.integration = integration;
    }
  }

  private Result refuse(Refusing refusing, List<String> reasons) {
    RunRefusal refusal = new RunRefusal(refusing.messageId, refusing.topic,
        refusing.integration == null ? null : refusing.integration.name(),
        refusing.integration == null ? null : refusing.integration.userId(),
        refusing.deployment, refusing.key, reasons, clock.instant());
    events.refused(refusal, refusing.replyTopic);
    return new Result.Refused(refusal, refusing.replyTopic);
  }
}
