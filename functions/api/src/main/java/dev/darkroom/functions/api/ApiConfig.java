package dev.darkroom.functions.api;

import dev.darkroom.gcp.Env;

/**
 * The api function's own settings. {@code DARKROOM_AUTH} is the one switch for authentication:
 * {@code off} is accepted only for the local stack, and Terraform never sets it.
 */
record ApiConfig(boolean authOff) {

  static ApiConfig from(Env env) {
    String auth = env.require("DARKROOM_AUTH", "'off' for the local stack; authentication proper arrives with issue 8");
    if (!auth.equals("off")) {
      throw new Env.MissingConfigException(
          "DARKROOM_AUTH=" + auth + " is not supported yet: only 'off' (local stack on loopback) is implemented");
    }
    return new ApiConfig(true);
  }
}
