package dev.darkroom.realtime;

import dev.darkroom.gcp.AuthConfig;
import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.DatabaseConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.OriginsConfig;
import dev.darkroom.gcp.StreamsConfig;

/**
 * The gateway's settings, from the environment. Cloud Run sets {@code PORT} and {@code K_SERVICE};
 * only there does the gateway listen on every interface: anywhere else it binds 127.0.0.1, as the
 * local stack must. Callers are authenticated as {@link AuthConfig} says, API keys looked up in the
 * ledger's database; the job documents it follows are in {@code JOBS_COLLECTION}. Sockets open with
 * a header credential or a stream ticket, and are limited and rechecked as {@link StreamsConfig#sockets} says;
 * web pages may open them from the origins {@link OriginsConfig} names ({@code ALLOWED_ORIGINS}), as for the api.
 *
 * @param database null when authentication is off (no API keys to look up)
 */
record RealtimeConfig(String host, int port, GoogleCloudConfig cloud, AuthConfig auth, OriginsConfig origins,
    DatabaseConfig database, CollectionConfig jobs, StreamsConfig sockets) {

  /** This process's environment; fails naming the first variable missing or malformed. */
  static RealtimeConfig fromEnvironment() {
    return from(Env.system());
  }

  static RealtimeConfig from(Env env) {
    int port = env.intOrDefault("PORT", -1);
    if (port < 0) {
      env.require("PORT", "the port to serve /ws on; Cloud Run sets it");
    }
    String host = env.optional("K_SERVICE").isPresent() ? "0.0.0.0" : "127.0.0.1";
    AuthConfig auth = AuthConfig.from(env);
    return new RealtimeConfig(host, port, GoogleCloudConfig.from(env), auth, OriginsConfig.from(env, auth),
        auth.required() ? DatabaseConfig.from(env) : null, CollectionConfig.jobs(env),
        StreamsConfig.sockets(env));
  }
}
