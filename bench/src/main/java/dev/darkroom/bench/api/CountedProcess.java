package dev.darkroom.bench.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counting relays of one process: Firestore and Pub/Sub through {@link CountingGrpcProxy},
 * PostgreSQL through {@link CountingPostgresProxy}, all into one {@link RpcTally}; and the
 * environment that sends the process through them.
 */
final class CountedProcess {
  final RpcTally tally = new RpcTally();
  private final Map<String, String> env = new LinkedHashMap<>();

  CountedProcess(BenchStack bench) {
    CountingGrpcProxy firestore = bench.track(CountingGrpcProxy.start(bench.firestoreHost(), tally));
    CountingGrpcProxy pubsub = bench.track(CountingGrpcProxy.start(bench.pubSubHost(), tally));
    CountingPostgresProxy database = bench.track(CountingPostgresProxy.start(bench.databasePort(), tally));
    env.put("FIRESTORE_EMULATOR_HOST", firestore.hostPort());
    env.put("PUBSUB_EMULATOR_HOST", pubsub.hostPort());
    env.put("DATABASE_URL", BenchStack.databaseUrl(database.port()));
  }

  /** The variables that point a process at the relays, with {@code more} on top. */
  Map<String, String> env(Map<String, String> more) {
    Map<String, String> all = new LinkedHashMap<>(env);
    all.putAll(more);
    return all;
  }
}
