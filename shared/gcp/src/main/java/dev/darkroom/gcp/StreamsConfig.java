package dev.darkroom.gcp;

import dev.darkroom.core.limits.OpenStreams;
import dev.darkroom.core.usecase.StandingRecheck;
import java.time.Duration;

/**
 * Long-lived streams (the gateway's sockets, the api's event streams): where their single-use
 * tickets are ({@link CollectionConfig#streamTickets}), how many one instance holds per user and in
 * all, and how often an open stream's credential is rechecked ({@code STREAM_RECHECK_SECONDS},
 * default 60). Each limit is an environment variable with a default; a value below 1 stops the
 * deployable, naming it.
 */
public record StreamsConfig(CollectionConfig tickets, OpenStreams.Limits limits, Duration recheck) {

  /**
   * The gateway's {@code /ws}: {@code MAX_SOCKETS_PER_USER} (default 20: a user's tabs and
   * clients, well above ComfyUI's one socket per client) and {@code MAX_SOCKETS_PER_INSTANCE}
   * (default 500, Terraform's request concurrency of the service: each socket is one request there).
   */
  public static StreamsConfig sockets(Env env) {
    return new StreamsConfig(CollectionConfig.streamTickets(env), new OpenStreams.Limits(
        atLeastOne(env, "MAX_SOCKETS_PER_USER", 20), atLeastOne(env, "MAX_SOCKETS_PER_INSTANCE", 500)), recheck(env));
  }

  /**
   * The api's {@code GET /api/v2/jobs/{id}/events}: {@code MAX_EVENT_STREAMS_PER_USER} (default 10)
   * and {@code MAX_EVENT_STREAMS_PER_INSTANCE} (default 40, half of the api's request concurrency of
   * 80, so that streams never hold every request an instance serves).
   */
  public static StreamsConfig eventStreams(Env env) {
    return new StreamsConfig(CollectionConfig.streamTickets(env), new OpenStreams.Limits(
        atLeastOne(env, "MAX_EVENT_STREAMS_PER_USER", 10), atLeastOne(env, "MAX_EVENT_STREAMS_PER_INSTANCE", 40)),
        recheck(env));
  }

  private static Duration recheck(Env env) {
    return env.positiveSecondsOrDefault("STREAM_RECHECK_SECONDS", StandingRecheck.PERIOD);
  }

  private static int atLeastOne(Env env, String name, int fallback) {
    int value = env.intOrDefault(name, fallback);
    if (value < 1) {
      throw new Env.MissingConfigException(name + " must be at least 1, got " + value);
    }
    return value;
  }
}
