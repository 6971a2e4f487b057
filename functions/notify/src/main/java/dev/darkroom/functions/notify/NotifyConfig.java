package dev.darkroom.functions.notify;

import dev.darkroom.core.notify.RetrySchedule;
import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.DatabaseConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.SmtpConfig;
import dev.darkroom.gcp.TopicConfig;
import dev.darkroom.gcp.WebhooksConfig;

/**
 * Everything notify reads from the environment (the names {@code terraform/} sets), read at start.
 *
 * @param retrySchedule {@code WEBHOOK_RETRY_SCHEDULE} (comma-separated waits), else Standard Webhooks' schedule
 */
record NotifyConfig(GoogleCloudConfig cloud, DatabaseConfig database, CollectionConfig devices,
    TopicConfig integrationTopic, WebhooksConfig webhooks, SmtpConfig smtp, RetrySchedule retrySchedule) {

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
        TopicConfig.jobEventsPublic(env), WebhooksConfig.from(env), SmtpConfig.from(env), schedule);
  }
}
