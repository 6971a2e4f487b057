package dev.darkroom.functions.api;

import dev.darkroom.core.limits.Admission;
import dev.darkroom.core.limits.PerTier;
import dev.darkroom.core.limits.RunTimeLimits;
import dev.darkroom.core.usecase.FreshSignIn;
import dev.darkroom.gcp.ApiKeysConfig;
import dev.darkroom.gcp.AuthConfig;
import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.DatabaseConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.ModelsConfig;
import dev.darkroom.gcp.ModelImportsConfig;
import dev.darkroom.gcp.OriginsConfig;
import dev.darkroom.gcp.OutputsConfig;
import dev.darkroom.gcp.RunTimeLimitsConfig;
import dev.darkroom.gcp.StreamsConfig;
import dev.darkroom.gcp.TopicConfig;
import dev.darkroom.gcp.WebhooksConfig;
import dev.darkroom.functions.api.routes.FileRoutes;
import dev.darkroom.functions.api.views.JobResources;
import dev.darkroom.functions.api.views.PromptListing;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Everything the api function reads from the environment (the names {@code terraform/} sets), read
 * at start. Its own settings: the limits, each a {@code tier=number,...} list (a tier not listed has
 * no limit): {@code REQUESTS_PER_MINUTE} per user, {@code MAX_WAITING_JOBS} queued or dispatched per
 * user, {@code MONTHLY_GPU_SECONDS} per user and calendar month, {@code MAX_RUN_SECONDS} per job
 * ({@link RunTimeLimitsConfig}, defaults for free and standard); {@code API_KEY_REQUESTS_PER_MINUTE},
 * one number for every key; and {@code WEBHOOK_ROTATION_OVERLAP_SECONDS}, how long a rotated
 * webhook secret still signs (default a day); what a request, a user or an instance may cost
 * ({@link ApiBounds}); {@code FAILED_AUTHENTICATIONS_PER_MINUTE}, how many failed authentications
 * one client address may make in a minute before its requests are refused 429 unread (default 30,
 * 0 for no limit); {@code TRUSTED_PROXY_HOPS}, how many right-most {@code X-Forwarded-For} entries
 * our own proxies appended after the client's address (default 0: Cloud Run alone; 1 behind the
 * load balancer, which Terraform sets). Users manage API keys even when authentication is off, so
 * the keys' pepper is always needed. Event streams are limited and rechecked as
 * {@link StreamsConfig#eventStreams} says; {@code KEY_SIGN_IN_MAX_AGE_SECONDS} (default 300) is how
 * recent a sign-in must be to create an API key. Browsers: the pages that may call are
 * {@link OriginsConfig}'s ({@code ALLOWED_ORIGINS}). Models: {@link ModelsConfig} (the bucket that
 * uploads go to and deletes remove, the collection of their states).
 * Imports of model files: {@link ModelImportsConfig}.
 */
record ApiConfig(GoogleCloudConfig cloud, DatabaseConfig database, AuthConfig auth, OriginsConfig origins,
    ApiKeysConfig apiKeys,
    CollectionConfig jobs, CollectionConfig idempotencyKeys, CollectionConfig deployments, CollectionConfig devices,
    TopicConfig jobSubmitted,
    OutputsConfig outputs, WebhooksConfig webhooks, Duration webhookRotationOverlap, Admission.Settings limits,
    StreamsConfig eventStreams, Duration keySignInMaxAge, int failedAuthenticationsPerMinute, int trustedProxyHops,
    ApiBounds bounds, ModelsConfig models, ModelImportsConfig modelImports, RunTimeLimits runTimeLimits) {
  /** Enough for any integration; bounds the fan-out of one notification. */
  static final int MAX_WEBHOOKS_PER_USER = 20;

  /** This process's environment; fails naming the first variable missing or malformed. */
  static ApiConfig fromEnvironment() {
    return from(Env.system());
  }

  static ApiConfig from(Env env) {
    AuthConfig auth = AuthConfig.from(env);
    return new ApiConfig(GoogleCloudConfig.from(env), DatabaseConfig.from(env), auth, OriginsConfig.from(env, auth),
        ApiKeysConfig.from(env), CollectionConfig.jobs(env), CollectionConfig.idempotencyKeys(env),
        CollectionConfig.deployments(env),
        CollectionConfig.devices(env), TopicConfig.jobSubmitted(env), OutputsConfig.from(env), WebhooksConfig.from(env),
        env.positiveSecondsOrDefault("WEBHOOK_ROTATION_OVERLAP_SECONDS", Duration.ofHours(24)), limits(env),
        StreamsConfig.eventStreams(env), env.positiveSecondsOrDefault("KEY_SIGN_IN_MAX_AGE_SECONDS", FreshSignIn.MAX_AGE),
        atLeastZero(env, "FAILED_AUTHENTICATIONS_PER_MINUTE", 30), atLeastZero(env, "TRUSTED_PROXY_HOPS", 0),
        bounds(env), ModelsConfig.from(env), ModelImportsConfig.from(env), RunTimeLimitsConfig.from(env));
  }

  private static int atLeastZero(Env env, String name, int fallback) {
    int value = env.intOrDefault(name, fallback);
    if (value < 0) {
      throw new Env.MissingConfigException(name + " must not be negative: " + value);
    }
    return value;
  }

  static Admission.Settings limits(Env env) {
    OptionalLong perKey = OptionalLong.empty();
    if (env.optional("API_KEY_REQUESTS_PER_MINUTE").isPresent()) {
      int value = env.intOrDefault("API_KEY_REQUESTS_PER_MINUTE", 0);
      if (value < 1) {
        throw new Env.MissingConfigException("API_KEY_REQUESTS_PER_MINUTE must be at least 1: " + value);
      }
      perKey = OptionalLong.of(value);
    }
    return new Admission.Settings(perTier(env, "REQUESTS_PER_MINUTE", 1), perKey, perTier(env, "MAX_WAITING_JOBS", 1),
        perTier(env, "MONTHLY_GPU_SECONDS", 0));
  }

  static ApiBounds bounds(Env env) {
    int listing = env.intOrDefault("LISTING_MAX_BYTES", PromptListing.DEFAULT_MAX_BYTES);
    if (listing < ApiBounds.LEAST_LISTING_BYTES) {
      throw new Env.MissingConfigException("LISTING_MAX_BYTES must be at least " + ApiBounds.LEAST_LISTING_BYTES
          + " (one entry with the largest prompt): " + listing);
    }
    return new ApiBounds(atLeastOne(env, "SIGNED_URLS_PER_REQUEST", JobResources.DEFAULT_SIGNATURES_PER_ANSWER),
        listing, atLeastOne(env, "UPLOADS_PER_USER", FileRoutes.DEFAULT_UPLOADS_PER_USER),
        atLeastOne(env, "UPLOAD_MEMORY_MB", FileRoutes.DEFAULT_UPLOAD_MEMORY_MB));
  }

  private static int atLeastOne(Env env, String name, int fallback) {
    int value = env.intOrDefault(name, fallback);
    if (value < 1) {
      throw new Env.MissingConfigException(name + " must be at least 1: " + value);
    }
    return value;
  }

  private static PerTier perTier(Env env, String name, long min) {
    try {
      return PerTier.parse(env.orDefault(name, ""), min);
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException(name + " is malformed (tier=number,...): " + e.getMessage());
    }
  }
}
