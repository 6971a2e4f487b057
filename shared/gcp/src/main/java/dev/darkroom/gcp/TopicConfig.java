package dev.darkroom.gcp;

/**
 * A Pub/Sub topic a deployable publishes to, by id; each from its own variable, defaulting to the
 * name the local stack uses, so that a deployable reads only the topics it publishes to.
 */
public record TopicConfig(String id) {

  /** {@code JOB_SUBMITTED_TOPIC}: queued jobs, for dispatch. */
  public static TopicConfig jobSubmitted(Env env) {
    return new TopicConfig(env.orDefault("JOB_SUBMITTED_TOPIC", "job-submitted"));
  }

  /** {@code JOB_EVENTS_TOPIC}: what runners (and the reconciler) report, for job-events. */
  public static TopicConfig jobEvents(Env env) {
    return new TopicConfig(env.orDefault("JOB_EVENTS_TOPIC", "job-events"));
  }

  /** {@code NOTIFICATIONS_TOPIC}: ended jobs, for notify. */
  public static TopicConfig notifications(Env env) {
    return new TopicConfig(env.orDefault("NOTIFICATIONS_TOPIC", "notifications"));
  }

  /** {@code JOB_EVENTS_PUBLIC_TOPIC}: CloudEvents for integrations; nothing of ours listens. */
  public static TopicConfig jobEventsPublic(Env env) {
    return new TopicConfig(env.orDefault("JOB_EVENTS_PUBLIC_TOPIC", "job-events-public"));
  }
}
