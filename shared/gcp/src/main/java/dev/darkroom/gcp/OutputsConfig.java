package dev.darkroom.gcp;

import java.util.Optional;

/**
 * The outputs bucket ({@code OUTPUTS_BUCKET}), which also holds the node catalog. URLs are signed
 * with {@code STORAGE_SIGNER_KEY_FILE} when it is set (the local Storage emulator's key); in the
 * cloud the service account signs.
 *
 * @param signerKeyFile null in the cloud
 */
public record OutputsConfig(String bucket, String signerKeyFile) {

  public static OutputsConfig from(Env env) {
    return new OutputsConfig(env.require("OUTPUTS_BUCKET", "the Cloud Storage bucket for outputs"),
        env.optional("STORAGE_SIGNER_KEY_FILE").orElse(null));
  }

  public Optional<String> signerKey() {
    return Optional.ofNullable(signerKeyFile);
  }
}
