package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Topic names in Terraform are the code's: every topic variable the code reads ({@code *_TOPIC})
 * falls back on a default name (Adapters); Terraform's topic for it must be named
 * {@code <prefix>-<default>}, the local stack must use the same name (a constant of LocalStack), and
 * some function must be triggered by it. Each triggered topic has {@code <topic>-dead-letter} (the
 * local stack's Eventarc bridge names it so) and a subscription on it, kept for reconcile.
 */
public final class NameCheck {
  static final String PREFIX = "${local.name}-";
  /** Topics we publish for integrations to subscribe to: nothing of ours is triggered by them. */
  static final Set<String> PUBLIC_TOPICS = Set.of("JOB_EVENTS_PUBLIC_TOPIC");
  static final String DEAD_LETTER = "-dead-letter";

  private NameCheck() {}

  public static Report run(Path repoRoot, JsonNode module) {
    Terraform tf = new Terraform(module);
    Report report = new Report();
    Map<String, String> topicDefaults = new TreeMap<>();
    Map<String, String> topicTargets = new TreeMap<>();
    for (Deployable d : Deployable.ALL) {
      if (!d.exists(repoRoot)) {
        report.fail(d.missingModule());
        continue;
      }
      CodeReads.Result code = d.scan(repoRoot);
      Map<String, String> env = tf.resource(d.resourceType(), d.resourceName())
          .map(r -> TerraformEnv.plain(r, d.resourceType())).orElse(Map.of());
      code.defaults().forEach((variable, value) -> {
        if (variable.endsWith("_TOPIC")) {
          topicDefaults.put(variable, value);
          if (env.containsKey(variable)) {
            Terraform.firstReference(env.get(variable)).ifPresent(t -> topicTargets.put(d.name() + " " + variable, t));
          }
        }
      });
    }
    Set<String> localStackNames = new LinkedHashSet<>(CodeReads.constants(
        List.of(repoRoot.resolve("emulators/stack/src/main/java"))).values());

    Map<String, String> topicNames = new TreeMap<>();
    tf.resources("google_pubsub_topic").forEach((name, r) -> topicNames.put("google_pubsub_topic." + name, r.path("name").asText()));
    Set<String> triggered = new LinkedHashSet<>();
    tf.resources(Deployable.FUNCTION).forEach((name, fn) ->
        Terraform.firstReference(Terraform.at(fn, "event_trigger", "pubsub_topic").asText()).ifPresent(triggered::add));

    topicTargets.forEach((who, address) -> {
      String variable = who.substring(who.indexOf(' ') + 1);
      String expected = PREFIX + topicDefaults.get(variable);
      String actual = topicNames.get(address);
      if (actual == null) {
        report.fail(who + " names " + address + ", which is not a topic");
      } else if (!actual.equals(expected)) {
        report.fail(who + ": " + address + " is named \"" + actual + "\", not \"" + expected + "\" (the code's default)");
      }
      if (!triggered.contains(address) && !PUBLIC_TOPICS.contains(variable)) {
        report.fail(who + ": nothing is triggered by " + address);
      }
    });
    topicDefaults.forEach((variable, value) -> {
      if (!localStackNames.contains(value)) {
        report.fail(variable + ": the local stack (emulators/stack) has no constant \"" + value + "\"");
      }
    });
    for (String address : triggered) {
      String name = topicNames.getOrDefault(address, "");
      if (!topicNames.containsValue(name + DEAD_LETTER) && !name.endsWith("reconcile-ticks")) {
        report.fail(address + " triggers a function but has no topic \"" + name + DEAD_LETTER + "\"");
      }
    }
    Map<String, ObjectNode> subscriptions = tf.resources("google_pubsub_subscription");
    topicNames.forEach((address, name) -> {
      if (name.endsWith(DEAD_LETTER) && subscriptions.values().stream()
          .noneMatch(s -> Terraform.firstReference(s.path("topic").asText()).orElse("").equals(address))) {
        report.fail(address + " (\"" + name + "\") has no subscription to keep its messages for reconcile");
      }
    });
    return report;
  }
}
