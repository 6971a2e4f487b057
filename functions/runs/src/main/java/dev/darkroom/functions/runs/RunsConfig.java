package dev.darkroom.functions.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.deployment.InboundIntegration;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.RunTimeLimits;
import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.DatabaseConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.OutputsConfig;
import dev.darkroom.gcp.RunTimeLimitsConfig;
import dev.darkroom.gcp.SubmissionLimitsConfig;
import dev.darkroom.gcp.TopicConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything runs reads from the environment (the names {@code terraform/} sets), read at start. Its
 * own: {@code INBOUND_INTEGRATIONS}, a JSON object of integration name to
 * {@code {topic, user, tier?, reply_topics?}}: the inbound topic (an id in this project) whose
 * messages run as {@code user} (limited as {@code tier}, {@value Job#DEFAULT_TIER} by default), and the
 * topics its messages may name as {@code reply_topic}. Terraform derives it from
 * {@code var.inbound_integrations}; no integration (the default, {@code {}}) refuses every message.
 * The tiers' maximum run times are the api's ({@link RunTimeLimitsConfig}, {@code MAX_RUN_SECONDS}).
 */
record RunsConfig(GoogleCloudConfig cloud, DatabaseConfig database, CollectionConfig jobs,
    CollectionConfig idempotencyKeys, CollectionConfig deployments, CollectionConfig models, TopicConfig jobSubmitted,
    TopicConfig jobEventsPublic, OutputsConfig outputs, Admission.Settings limits,
    List<InboundIntegration> integrations, RunTimeLimits runTimeLimits) {
  static final String INBOUND_INTEGRATIONS = "INBOUND_INTEGRATIONS";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** This process's environment; fails naming the first variable missing or malformed. */
  static RunsConfig fromEnvironment() {
    return from(Env.system());
  }

  static RunsConfig from(Env env) {
    return new RunsConfig(GoogleCloudConfig.from(env), DatabaseConfig.from(env), CollectionConfig.jobs(env),
        CollectionConfig.idempotencyKeys(env), CollectionConfig.deployments(env), CollectionConfig.models(env),
        TopicConfig.jobSubmitted(env),
        TopicConfig.jobEventsPublic(env), OutputsConfig.from(env), SubmissionLimitsConfig.from(env),
        integrations(env.orDefault(INBOUND_INTEGRATIONS, "{}")), RunTimeLimitsConfig.from(env));
  }

  static List<InboundIntegration> integrations(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw malformed("not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw malformed("must be a JSON object of integration names to {topic, user, tier?, reply_topics?}");
    }
    List<InboundIntegration> found = new ArrayList<>();
    Set<String> topics = new HashSet<>();
    Iterator<Map.Entry<String, JsonNode>> entries = root.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      String name = entry.getKey();
      JsonNode integration = entry.getValue();
      String topic = required(integration, name, "topic");
      if (!topics.add(topic)) {
        throw malformed(name + ".topic " + topic + " is another integration's too: a topic maps to one user");
      }
      Set<String> replies = new HashSet<>();
      for (JsonNode reply : integration.path("reply_topics")) {
        if (!reply.isTextual() || reply.textValue().isEmpty()) {
          throw malformed(name + ".reply_topics must be a list of topic names");
        }
        replies.add(reply.textValue());
      }
      String tier = integration.path("tier").isTextual() ? integration.path("tier").textValue() : Job.DEFAULT_TIER;
      found.add(new InboundIntegration(name, topic, required(integration, name, "user"), tier, replies));
    }
    return List.copyOf(found);
  }

  private static String required(JsonNode integration, String name, String field) {
    JsonNode value = integration.path(field);
    if (!value.isTextual() || value.textValue().isBlank()) {
      throw malformed(name + "." + field + " is required (a non-empty string)");
    }
    return value.textValue();
  }

  private static Env.MissingConfigException malformed(String why) {
    return new Env.MissingConfigException(INBOUND_INTEGRATIONS + " is malformed: " + why);
  }
}
