package dev.darkroom.gcp;

import dev.darkroom.core.usecase.ApiKeys;

/**
 * Users' API keys are stored hashed under {@code API_KEY_PEPPER} (Secret Manager; at least
 * {@value ApiKeys#MIN_PEPPER_BYTES} bytes; never logged). {@code API_KEYS_WITHOUT_CHECK}: {@code accept}
 * (default) still looks up keys made before keys had a check; {@code refuse} refuses them unread,
 * once every user has replaced theirs, so that no made-up key costs a database lookup.
 */
public record ApiKeysConfig(byte[] pepper, boolean acceptKeysWithoutCheck) {

  public static ApiKeysConfig from(Env env) {
    String withoutCheck = env.orDefault("API_KEYS_WITHOUT_CHECK", "accept");
    if (!withoutCheck.equals("accept") && !withoutCheck.equals("refuse")) {
      throw new Env.MissingConfigException("API_KEYS_WITHOUT_CHECK must be 'accept' or 'refuse', not '"
          + withoutCheck + "'");
    }
    return new ApiKeysConfig(env.secret("API_KEY_PEPPER", "the secret API key hashes are keyed with",
        ApiKeys.MIN_PEPPER_BYTES), withoutCheck.equals("accept"));
  }

  @Override
  public String toString() {
    return "ApiKeysConfig[pepper of " + pepper.length + " bytes, keys without a check "
        + (acceptKeysWithoutCheck ? "accepted" : "refused") + "]";
  }
}
