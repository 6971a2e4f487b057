package dev.darkroom.realtime;

import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.Env;

/**
 * The gateway's entry point, as the Cloud Run service runs it: configured by the environment
 * alone. Prints {@link #READY} once serving, for the local stack to wait on.
 */
public final class RealtimeGatewayMain {
  public static final String READY = "darkroom-realtime: serving";

  private RealtimeGatewayMain() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    RealtimeConfig config = RealtimeConfig.from(env);
    Adapters adapters = new Adapters(env);
    Gateway gateway = new Gateway(adapters.jobFeed());
    RealtimeServer server = RealtimeServer.start(config.host(), config.port(), gateway,
        adapters.authenticator(java.time.Clock.systemUTC()));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      gateway.close();
      adapters.close();
    }, "realtime-shutdown"));
    System.out.println(READY + " /ws on " + config.host() + ":" + server.port());
    System.out.flush();
    server.join();
  }
}
