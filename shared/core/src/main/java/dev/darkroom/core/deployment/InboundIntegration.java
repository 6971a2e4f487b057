package dev.darkroom.core.deployment;

import java.util.Objects;
import java.util.Set;

/**
 * An integration that starts deployment runs by publishing on an inbound topic of its own. Pub/Sub
 * does not tell a subscriber who published, so the publisher's identity is bound by IAM instead:
 * only this integration's service account may publish on {@code topic} (Terraform grants it), and
 * every message on that topic runs as {@code userId}. Nothing in a message says who sent it.
 *
 * @param name the integration's name, as in {@code INBOUND_INTEGRATIONS}
 * @param topic the id of its inbound topic in this project ({@code <prefix>-runs-<name>}; {@code runs-<name>} locally)
 * @param tier the tier the user's runs are limited as
 * @param replyTopics the topics a message may name as {@code reply_topic}: an id in this project, or a
 *     full name {@code projects/P/topics/T}; nothing else is ever published to
 */
public record InboundIntegration(String name, String topic, String userId, String tier, Set<String> replyTopics) {
  public InboundIntegration {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(tier, "tier");
    replyTopics = replyTopics == null ? Set.of() : Set.copyOf(replyTopics);
  }
}
