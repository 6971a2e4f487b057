package dev.darkroom.realtime;

import dev.darkroom.gcp.Env;

/**
 * The gateway's settings, from the environment. Cloud Run sets {@code PORT} and {@code K_SERVICE};
 * only there does the gateway listen on every interface: anywhere else it binds 127.0.0.1, as the
 * local stack must. Authentication ({@code DARKROOM_AUTH}, {@code API_KEY_PEPPER},
 * {@code DEFAULT_TIER}) and the Google client settings ({@code GOOGLE_CLOUD_PROJECT},
 * {@code FIRESTORE_EMULATOR_HOST}, {@code JOBS_COLLECTION}) are read by {@link dev.darkroom.gcp.Adapters}.
 */
record RealtimeConfig(String host, int port) {

  static RealtimeConfig from(Env env) {
    int port = env.intOrDefault("PORT", -1);
    if (port < 0) {
      env.require("PORT", "the port to serve /ws on; Cloud Run sets it");
    }
    String host = env.optional("K_SERVICE").isPresent() ? "0.0.0.0" : "127.0.0.1";
    return new RealtimeConfig(host, port);
  }
}
