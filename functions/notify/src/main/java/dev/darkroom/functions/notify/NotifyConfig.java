package dev.darkroom.functions.notify;

import dev.darkroom.core.notify.DeliveryBudget;
import dev.darkroom.core.notify.RetrySchedule;
import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.DatabaseConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.HttpWebhookSender;
import dev.darkroom.gcp.SmtpConfig;
import dev.darkroom.gcp.TopicConfig;
import dev.darkroom.gcp.WebhooksConfig;
import java.time.Duration;

/**
 * Everything notify reads from the environment (the names {@code terraform/} sets), read at start.
 * {@code JOBS_COLLECTION}: where an event-driven run's job records its reply topic.
 *
 * @param retrySchedule {@code WEBHOOK_RETRY_SCHEDULE} (comma-separated waits), else Standard Webhooks' schedule
 * @param budget what one run may do: {@code NOTIFY_TIMEOUT_SECONDS} (the function's timeout, 120 by
 *     default; Terraform sets it from the same value as the function's {@code timeout_seconds}) and
 *     {@code WEBHOOK_CONCURRENCY} (attempts at once, 10 by default), with the webhook sender's bound
 *     on one attempt
 */
record NotifyConfig(GoogleCloudConfig cloud, DatabaseConfig database, CollectionConfig devices, CollectionConfig jobs,
    TopicConfig integrationTopic, WebhooksConfig webhooks, SmtpConfig smtp, RetrySchedule retrySchedule,
    DeliveryBudget budget) {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  /** This process's environment; fails naming the first variable missing or malformed. */
  static NotifyConfig fromEnvironment() {
    return from(Env.system());
  }

  static NotifyConfig from(Env env) {
    RetrySchedule schedule;
    try {
      schedule = RetrySchedule.parse(env.orDefault("WEBHOOK_RETRY_SCHEDULE", RetrySchedule.DEFAULT));
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException("WEBHOOK_RETRY_SCHEDULE is malformed: " + e.getMessage());
    }
    return new NotifyConfig(GoogleCloudConfig.from(env), DatabaseConfig.from(env), CollectionConfig.devices(env),
        CollectionConfig.jobs(env), TopicConfig.jobEventsPublic(env), WebhooksConfig.from(env), SmtpConfig.from(env), schedule, budget(env));
  }

  static DeliveryBudget budget(Env env) {
    Duration timeout = env.positiveSecondsOrDefault("NOTIFY_TIMEOUT_SECONDS", DEFAULT_TIMEOUT);
    int concurrency = env.intOrDefault("WEBHOOK_CONCURRENCY", DeliveryBudget.DEFAULT_CONCURRENCY);
    try {
      return new DeliveryBudget(timeout, DeliveryBudget.DEFAULT_MARGIN, HttpWebhookSender.TIMEOUT, concurrency);
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException("NOTIFY_TIMEOUT_SECONDS / WEBHOOK_CONCURRENCY: " + e.getMessage());
    }
  }
}
