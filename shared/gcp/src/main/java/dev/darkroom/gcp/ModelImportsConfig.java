package dev.darkroom.gcp;

/**
 * What the api needs to start imports of model files from URLs: the Cloud Run job that fetches
 * them ({@code MODEL_IMPORT_JOB_NAME}), the key that seals hub tokens for it
 * ({@value #TOKENS_KEY_VARIABLE}, Secret Manager; the job opens them with the same key), and
 * whether the URL may be a loopback host (the switch webhooks use,
 * {@value WebhooksConfig#ALLOW_LOOPBACK_VARIABLE}: set only by the local stack, whose model hub
 * in tests listens on 127.0.0.1).
 */
public record ModelImportsConfig(String jobName, byte[] tokensKey, boolean allowLoopback) {
  public static final String TOKENS_KEY_VARIABLE = "MODEL_IMPORT_TOKENS_KEY";

  public static ModelImportsConfig from(Env env) {
    return new ModelImportsConfig(env.require("MODEL_IMPORT_JOB_NAME",
        "the Cloud Run job that imports model files: projects/{p}/locations/{region}/jobs/{job}"),
        tokensKey(env), allowLoopback(env));
  }

  /** The key hub tokens are sealed under, shared by the api (seals) and the import job (opens). */
  public static byte[] tokensKey(Env env) {
    return env.secret(TOKENS_KEY_VARIABLE, "the secret that seals model hub tokens until the import job uses them",
        SecretSealer.MIN_KEY_BYTES);
  }

  /** Whether imports may fetch from loopback: the local stack only, never set in the cloud (terraform/checks). */
  public static boolean allowLoopback(Env env) {
    return Boolean.parseBoolean(env.orDefault(WebhooksConfig.ALLOW_LOOPBACK_VARIABLE, "false"));
  }

  @Override
  public String toString() {
    return "ModelImportsConfig[job " + jobName + ", tokens key of " + tokensKey.length + " bytes, loopback "
        + (allowLoopback ? "allowed" : "refused") + "]";
  }
}
