package dev.darkroom.gcp;

import dev.darkroom.core.job.Job;

/**
 * Who may call the API and the realtime gateway. {@code DARKROOM_AUTH} is the one switch:
 * {@code on} (Terraform sets it) needs a Firebase ID token or an API key on every call, so the API
 * keys' pepper ({@link ApiKeysConfig}) is needed too; {@code off} makes every call the user
 * {@code local}, for the local stack on 127.0.0.1 only. Anything else stops the deployable.
 *
 * <p>{@code on} with an emulator host set ({@link GoogleCloudConfig#emulatorHostsSet}) stops it
 * too: with {@code FIREBASE_AUTH_EMULATOR_HOST} the Admin SDK accepts unsigned ID tokens that anyone
 * can write, and the other hosts send the tenants' data to a stand-in. Only the local stack, which
 * runs its tests with authentication on against the emulators, says so with
 * {@value #LOCAL_STACK_VARIABLE}{@code =true} (local-only: terraform/checks fails if Terraform sets it).
 *
 * @param defaultTier {@code DEFAULT_TIER}: the tier of a user whose ID token has no {@code tier} claim
 * @param apiKeys null when authentication is off
 */
public record AuthConfig(boolean required, String defaultTier, ApiKeysConfig apiKeys) {
  public static final String LOCAL_STACK_VARIABLE = "DARKROOM_LOCAL_STACK";

  public static AuthConfig from(Env env) {
    String auth = env.require("DARKROOM_AUTH",
        "'on' (every call authenticated; Terraform sets it) or 'off' (the local stack on 127.0.0.1 only)");
    if (!auth.equals("on") && !auth.equals("off")) {
      throw new Env.MissingConfigException("DARKROOM_AUTH must be 'on' or 'off', not '" + auth + "'");
    }
    boolean required = auth.equals("on");
    java.util.List<String> emulated = GoogleCloudConfig.emulatorHostsSet(env);
    if (required && !emulated.isEmpty() && !Boolean.parseBoolean(env.orDefault(LOCAL_STACK_VARIABLE, "false"))) {
      throw new Env.MissingConfigException("DARKROOM_AUTH=on, but " + String.join(" and ", emulated.stream()
          .map(name -> name + " is set").toList()) + ": emulators never serve a deployment (the Auth emulator's"
          + " ID tokens are unsigned); unset the emulator variables, or set DARKROOM_AUTH=off for the local stack");
    }
    return new AuthConfig(required, env.orDefault("DEFAULT_TIER", Job.DEFAULT_TIER),
        required ? ApiKeysConfig.from(env) : null);
  }
}
