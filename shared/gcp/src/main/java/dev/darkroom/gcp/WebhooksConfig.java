package dev.darkroom.gcp;

/**
 * Users' webhooks: their signing secrets are sealed in the database under
 * {@code WEBHOOK_SECRETS_KEY} (Secret Manager; never logged), and
 * {@value #ALLOW_LOOPBACK_VARIABLE}{@code =true} lets them reach 127.0.0.1, where the local stack's
 * receivers live (never set in the cloud, where loopback, private and metadata addresses are refused).
 */
public record WebhooksConfig(byte[] secretsKey, boolean allowLoopback) {
  public static final String ALLOW_LOOPBACK_VARIABLE = "WEBHOOKS_ALLOW_LOOPBACK";

  public static WebhooksConfig from(Env env) {
    return new WebhooksConfig(env.secret("WEBHOOK_SECRETS_KEY",
        "the secret that seals webhook signing secrets in the database", SecretSealer.MIN_KEY_BYTES),
        Boolean.parseBoolean(env.orDefault(ALLOW_LOOPBACK_VARIABLE, "false")));
  }

  @Override
  public String toString() {
    return "WebhooksConfig[secrets key of " + secretsKey.length + " bytes, loopback "
        + (allowLoopback ? "allowed" : "refused") + "]";
  }
}
