package dev.darkroom.realtime;

import dev.darkroom.core.limits.OpenStreams;
import dev.darkroom.core.usecase.StandingRecheck;
import dev.darkroom.core.usecase.StreamTicketing;
import dev.darkroom.gcp.Adapters;
import java.time.Clock;

/**
 * The gateway's entry point, as the Cloud Run service runs it: configured by the environment
 * alone ({@link RealtimeConfig}). Prints {@link #READY} once serving, for the local stack to wait on.
 */
public final class RealtimeGatewayMain {
  public static final String READY = "darkroom-realtime: serving";

  private RealtimeGatewayMain() {}

  public static void main(String[] args) throws InterruptedException {
    RealtimeConfig config = RealtimeConfig.fromEnvironment();
    Adapters adapters = new Adapters(config.cloud(), config.database());
    Clock clock = Clock.systemUTC();
    Gateway gateway = new Gateway(adapters.jobFeed(config.jobs()), adapters.jobStore(config.jobs())::promptOf, clock,
        adapters.jobLive(config.jobs()), Gateway.LIVE_GRACE);
    SocketAccess access = new SocketAccess(adapters.authenticator(config.auth(), clock),
        new StreamTicketing(adapters.streamTickets(config.sockets().tickets()), clock),
        new OpenStreams("sockets", config.sockets().limits()),
        new StandingRecheck(adapters.callerStanding(config.auth()), clock, config.sockets().recheck()), clock);
    RealtimeServer server = RealtimeServer.start(config.host(), config.port(), gateway,
        new PageOrigins(config.origins().allowed(), config.auth().required()), access);
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
