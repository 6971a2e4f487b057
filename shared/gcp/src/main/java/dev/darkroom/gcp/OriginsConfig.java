package dev.darkroom.gcp;

import dev.darkroom.core.auth.AllowedOrigins;

/**
 * The web origins whose pages may use the api (CORS) and open the gateway's {@code /ws}:
 * {@code ALLOWED_ORIGINS}, comma-separated exact origins as browsers write them
 * ({@code https://app.example.com}; Terraform's {@code allowed_origins}), none when unset. On this
 * machine (the local stack, {@value AuthConfig#LOCAL_STACK_VARIABLE}{@code =true}, or authentication
 * off, which only the local stack runs) every loopback page ({@code http://127.0.0.1:*},
 * {@code http://localhost:*}, {@code http://[::1]:*}) is allowed as well. A malformed entry stops the
 * deployable, naming it.
 */
public record OriginsConfig(AllowedOrigins allowed) {

  public static OriginsConfig from(Env env, AuthConfig auth) {
    boolean local = !auth.required() || Boolean.parseBoolean(env.orDefault(AuthConfig.LOCAL_STACK_VARIABLE, "false"));
    try {
      return new OriginsConfig(AllowedOrigins.parse(env.orDefault("ALLOWED_ORIGINS", ""), local));
    } catch (IllegalArgumentException e) {
      throw new Env.MissingConfigException("ALLOWED_ORIGINS is malformed: " + e.getMessage());
    }
  }
}
