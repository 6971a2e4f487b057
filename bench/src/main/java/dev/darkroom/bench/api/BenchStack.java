package dev.darkroom.bench.api;

import com.google.pubsub.v1.TopicName;
import dev.darkroom.emulators.firebase.FirebaseAuthEmulator;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import dev.darkroom.functions.api.ApiFunction;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleClients;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.local.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local stack ({@code ./darkroom up}'s) started once per bench run and shared by p1, p2 and
 * roundtrips, with the functions they host beside it; all stopped when the JVM exits.
 */
final class BenchStack {
  static final String PROJECT = "darkroom-bench";
  /**
   * The simulated engine's time per sampler step. A job of the bench's workflow (20 steps) runs
   * 5 s; roundtrips sets the steps of the one job it watches run.
   */
  static final Duration STEP_TIME = Duration.ofMillis(250);
  /**
   * p1 and p2's api keeps its jobs in a collection of its own and publishes to a topic that no
   * trigger reads: nothing dispatches, reconciles or runs them, so no GPU-side work competes with
   * the measurement for this machine's cores.
   */
  static final String MEASURED_JOBS = "bench-jobs";
  static final String MEASURED_SUBMISSIONS = "bench-job-submitted";

  private static BenchStack shared;

  private final LocalStack stack;
  private final Path dataDir;
  private final GoogleClients clients;
  private final List<AutoCloseable> started = new ArrayList<>();
  private ApiPair apiPair;
  private FirebaseAuthEmulator firebase;

  private BenchStack(LocalStack stack, Path dataDir) {
    this.stack = stack;
    this.dataDir = dataDir;
    this.clients = new GoogleClients(GoogleCloudConfig.from(new Env(stack.functionEnvironment())));
  }

  static synchronized BenchStack shared() throws IOException {
    if (shared == null) {
      Path dataDir = Files.createTempDirectory("darkroom-bench-stack");
      long start = System.nanoTime();
      LocalStack stack = LocalStack.start(new LocalStack.Options(PROJECT, 0, dataDir, STEP_TIME, null));
      System.out.printf("local stack up in %.1f s (data and logs in %s)%n", (System.nanoTime() - start) / 1e9, dataDir);
      BenchStack bench = new BenchStack(stack, dataDir);
      bench.createTopic(MEASURED_SUBMISSIONS);
      Runtime.getRuntime().addShutdownHook(new Thread(bench::close, "bench-stack-stop"));
      shared = bench;
    }
    return shared;
  }

  /** The environment the stack gives its functions, with {@code overrides} on top. */
  Map<String, String> env(Map<String, String> overrides) {
    Map<String, String> env = new LinkedHashMap<>(stack.functionEnvironment());
    env.putAll(overrides);
    return env;
  }

  /** A function of this build on its own host, beside the stack, starting; stopped with the stack. */
  synchronized HostedFunction host(String label, Class<?> function, Map<String, String> overrides) {
    HostedFunction host = HostedFunction.start(label, function, env(overrides), dataDir.resolve("logs").resolve(label + ".log"));
    started.add(host);
    return host;
  }

  synchronized <T extends AutoCloseable> T track(T resource) {
    started.add(resource);
    return resource;
  }

  LocalStack stack() {
    return stack;
  }

  /** The bench's own clients (the production {@link GoogleClients}), straight to the emulators. */
  GoogleClients clients() {
    return clients;
  }

  String firestoreHost() {
    return stack.functionEnvironment().get("FIRESTORE_EMULATOR_HOST");
  }

  String pubSubHost() {
    return stack.functionEnvironment().get("PUBSUB_EMULATOR_HOST");
  }

  /** The port the stack's functions reach PostgreSQL on. */
  int databasePort() {
    String url = stack.functionEnvironment().get("DATABASE_URL");
    Matcher port = Pattern.compile("//[^:/]+:(\\d+)/").matcher(url);
    if (!port.find()) {
      throw new IllegalStateException("no port in the stack's DATABASE_URL " + url);
    }
    return Integer.parseInt(port.group(1));
  }

  static String databaseUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&sslmode=disable";
  }

  void createTopic(String topic) {
    try (PubSubEmulatorChannels pubsub = PubSubEmulatorChannels.connect(pubSubHost())) {
      pubsub.topicAdmin().createTopic(TopicName.of(PROJECT, topic));
    }
  }

  /**
   * p1 and p2's subjects, started on first use: the api with authentication off and with it on
   * (calls authenticated by an API key made through the first), each on its own host, and the
   * floor, its documents copied from a job the api wrote.
   */
  synchronized ApiPair apiPair() throws Exception {
    if (apiPair == null) {
      Map<String, String> measured = Map.of("JOBS_COLLECTION", MEASURED_JOBS, "JOB_SUBMITTED_TOPIC", MEASURED_SUBMISSIONS);
      HostedFunction open = host("api-auth-off", ApiFunction.class, measured);
      Map<String, String> authOn = new LinkedHashMap<>(measured);
      authOn.put("DARKROOM_AUTH", "on");
      authOn.put("DARKROOM_LOCAL_STACK", "true");
      // A call with an API key reads the key's account from Firebase Auth (at most once a minute),
      // so the key belongs to a user of a real Auth emulator, made through that user's fresh sign-in.
      authOn.put(FirebaseAuthEmulator.HOST_VARIABLE, firebase().hostPort());
      HostedFunction keyed = host("api-auth-on", ApiFunction.class, authOn);

      ApiCalls withoutAuth = new ApiCalls(open.url(), null, 0);
      ApiCalls withKey = new ApiCalls(keyed.url(), newKey(keyed, "bench"), 0);
      int refused = new ApiCalls(keyed.url(), null, 0).statusWithoutKey("/queue");
      if (refused != 401) {
        throw new IllegalStateException("the api with authentication on answered " + refused + " without a key, not 401");
      }
      String jobId = withoutAuth.submit();
      withKey.submit();
      Map<String, String> floorEnv = new LinkedHashMap<>(measured);
      floorEnv.put(FloorFunction.TEMPLATE_JOB, jobId);
      HostedFunction floorHost = host("floor-over-http", FloorFunction.class, floorEnv);
      apiPair = new ApiPair(withoutAuth, withKey, Floor.like(clients, MEASURED_JOBS, jobId, MEASURED_SUBMISSIONS),
          new ApiCalls(floorHost.url(), null, 0), List.of(open.pid(), floorHost.pid()));
    }
    return apiPair;
  }

  /**
   * The Firebase Auth emulator the authenticated hosts use, started on first use: a call with an
   * API key reads the key's account from Firebase Auth (at most once a minute per user).
   */
  synchronized FirebaseAuthEmulator firebase() {
    if (firebase == null) {
      firebase = track(FirebaseAuthEmulator.start(0, PROJECT));
    }
    return firebase;
  }

  /** An API key of a new user of {@link #firebase()}, made on {@code host} right after the user signed in. */
  String newKey(HostedFunction host, String name) {
    String idToken = firebase().createUser(name + "@example.com", name + "-password").idToken();
    return new ApiCalls(host.url(), null, 0).send("POST", "/api/v2/keys",
        ("{\"name\":\"" + name + "\"}").getBytes(), 201, Map.of("Authorization", "Bearer " + idToken))
        .path("key").asText();
  }

  /**
   * The api without and with authentication, the floor they are measured against, and the floor
   * behind HTTP ({@link FloorFunction}: the floor's calls in a function on the api's host).
   *
   * @param functionPids the process ids of the api without authentication and of the floor's function
   */
  record ApiPair(ApiCalls authOff, ApiCalls authOn, Floor floor, ApiCalls floorOverHttp, List<Long> functionPids) {}


  private synchronized void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.err.println("stopping " + started.get(i) + " failed: " + e);
      }
    }
    clients.close();
    stack.close();
  }
}
