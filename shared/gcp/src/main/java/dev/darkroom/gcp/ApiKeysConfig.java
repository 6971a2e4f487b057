package dev.darkroom.gcp;

import dev.darkroom.core.usecase.ApiKeys;

/**
 * Users' API keys are stored hashed under {@code API_KEY_PEPPER} (Secret Manager; at least
 * {@value ApiKeys#MIN_PEPPER_BYTES} bytes; never logged).
 */
public record ApiKeysConfig(byte[] pepper) {

  public static ApiKeysConfig from(Env env) {
    return new ApiKeysConfig(env.secret("API_KEY_PEPPER", "the secret API key hashes are keyed with",
        ApiKeys.MIN_PEPPER_BYTES));
  }

  @Override
  public String toString() {
    return "ApiKeysConfig[pepper of " + pepper.length + " bytes]";
  }
}
