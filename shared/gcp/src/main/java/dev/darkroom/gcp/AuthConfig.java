package dev.darkroom.gcp;

import dev.darkroom.core.job.Job;

/**
 * Who may call the API and the realtime gateway. {@code DARKROOM_AUTH} is the one switch:
 * {@code on} (Terraform sets it) needs a Firebase ID token or an API key on every call, so the API
 * keys' pepper ({@link ApiKeysConfig}) is needed too; {@code off} makes every call the user
 * {@code local}, for the local stack on 127.0.0.1 only. Anything else stops the deployable.
 *
 * @param defaultTier {@code DEFAULT_TIER}: the tier of a user whose ID token has no {@code tier} claim
 * @param apiKeys null when authentication is off
 */
public record AuthConfig(boolean required, String defaultTier, ApiKeysConfig apiKeys) {

  public static AuthConfig from(Env env) {
    String auth = env.require("DARKROOM_AUTH",
        "'on' (every call authenticated; Terraform sets it) or 'off' (the local stack on 127.0.0.1 only)");
    if (!auth.equals("on") && !auth.equals("off")) {
      throw new Env.MissingConfigException("DARKROOM_AUTH must be 'on' or 'off', not '" + auth + "'");
    }
    boolean required = auth.equals("on");
    return new AuthConfig(required, env.orDefault("DEFAULT_TIER", Job.DEFAULT_TIER),
        required ? ApiKeysConfig.from(env) : null);
  }
}
