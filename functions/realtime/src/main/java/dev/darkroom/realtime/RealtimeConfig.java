package dev.darkroom.realtime;

import dev.darkroom.gcp.Env;

/**
 * The gateway's settings, from the environment. Cloud Run sets {@code PORT} and {@code K_SERVICE};
 * only there does the gateway listen on every interface: anywhere else it binds 127.0.0.1, as the
 * local stack must. {@code DARKROOM_AUTH=off} (the only mode so far) makes every socket the user
 * {@code local}, like the API's; Terraform never sets it. The Google client settings
 * ({@code GOOGLE_CLOUD_PROJECT}, {@code FIRESTORE_EMULATOR_HOST}, {@code JOBS_COLLECTION}) are read
 * by {@link dev.darkroom.gcp.Adapters}.
 */
record RealtimeConfig(String host, int port, String localUser) {
  static final String LOCAL_USER = "local";

  static RealtimeConfig from(Env env) {
    int port = env.intOrDefault("PORT", -1);
    if (port < 0) {
      env.require("PORT", "the port to serve /ws on; Cloud Run sets it");
    }
    String auth = env.require("DARKROOM_AUTH", "'off' for the local stack; authentication proper arrives with issue 8");
    if (!auth.equals("off")) {
      throw new Env.MissingConfigException(
          "DARKROOM_AUTH=" + auth + " is not supported yet: only 'off' (local stack on loopback) is implemented");
    }
    String host = env.optional("K_SERVICE").isPresent() ? "0.0.0.0" : "127.0.0.1";
    return new RealtimeConfig(host, port, LOCAL_USER);
  }
}
