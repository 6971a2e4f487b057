package dev.darkroom.bench.coldstart;

import dev.darkroom.bench.BenchReport;
import dev.darkroom.bench.Benchmark;
import dev.darkroom.emulators.ManagedProcess;
import dev.darkroom.gcp.CloudRunModelImportLauncher;
import dev.darkroom.local.LocalStack;
import dev.darkroom.realtime.RealtimeGatewayMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * P3: for every deployable of terraform/deployables.json, process start to its first good answer,
 * started as it ships (its module's classes and runtime dependencies only; a function on the
 * Functions Framework invoker, as Cloud Functions runs it) against the local stack's emulators,
 * over a hello-world function started the same way with the same JVM options. Runs alternate ours
 * and hello-world (which goes first alternates too); the ratio is the median of the runs' ratios.
 *
 * <p>A function's first answer is its trigger's request about a job that does not exist
 * ({@link FirstRequest}); the realtime gateway's is an open {@code /ws}; the runner's is its line
 * saying which jobs it has, logged once ComfyUI answered (the node catalog's publication then runs
 * beside it), just before its first claim. The JVM options are {@code JAVA_TOOL_OPTIONS}, what
 * terraform sets for every deployable ({@link #DEPLOYED_JVM_OPTIONS}); {@code -Ddarkroom.p3.jvm=...}
 * measures others, and {@code -Ddarkroom.p3.appcds=true} adds application class-data sharing: one
 * untimed training run per deployable (and per hello-world) dumps a dynamic archive at exit, which
 * the timed runs map. That is what an image we build could ship (an archive only works on the JDK
 * that dumped it, so the managed Cloud Functions runtime, whose JDK Google patches underneath,
 * cannot).
 */
public final class ColdStartBench implements Benchmark {
  /**
   * The {@code JAVA_TOOL_OPTIONS} terraform gives every deployable (terraform/modules/darkroom/locals.tf,
   * {@code jvm_startup_options}); the two must agree (terraform/checks EnvCheckTest), so that p3
   * measures what is deployed.
   */
  public static final String DEPLOYED_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final String RUNNER_READY = "task 0 of 1 has";
  private static final String MODEL_IMPORT = "model-import";
  /** The model import job's task names a model no import is recorded for: it reads the record, has nothing to do. */
  private static final String ABSENT_MODEL = "p3-cold-start-absent.safetensors";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** Where the AppCDS archives go; null without AppCDS. */
  private Path archives;

  @Override
  public String name() {
    return "p3";
  }

  @Override
  public void run(boolean quick, BenchReport report) throws Exception {
    Path root = repositoryRoot();
    List<ShippedDeployable> deployables = ShippedDeployable.all(root);
    String jvmOptions = System.getProperty("darkroom.p3.jvm", DEPLOYED_JVM_OPTIONS);
    int runs = quick ? 3 : 7;
    System.out.printf("JVM options (JAVA_TOOL_OPTIONS): '%s'; %d runs each, alternating with hello-world%n",
        jvmOptions, runs);
    Path dataDir = Files.createTempDirectory("darkroom-p3-");
    if (Boolean.getBoolean("darkroom.p3.appcds")) {
      archives = Files.createDirectories(dataDir.resolve("appcds"));
      System.out.println("with AppCDS: a dynamic archive per deployable from one untimed training run");
    }
    try (LocalStack stack = LocalStack.start(new LocalStack.Options("darkroom-p3", 0, dataDir,
        Duration.ofMillis(10), null))) {
      Map<String, String> env = new LinkedHashMap<>(stack.functionEnvironment());
      if (!jvmOptions.isBlank()) {
        env.put("JAVA_TOOL_OPTIONS", jvmOptions);
      }
      System.out.printf("%-13s %10s %10s %7s %9s%n", "deployable", "ours ms", "hello ms", "ratio", "jars MB");
      List<String> failed = new ArrayList<>();
      for (ShippedDeployable deployable : deployables) {
        try {
          measure(deployable, stack, env, runs, report);
        } catch (RuntimeException e) {
          // The others' figures still count; p3 fails at the end, naming each deployable that did not start.
          failed.add(deployable.name());
          System.out.printf("%-13s did not start: %s%n", deployable.name(), e.getMessage());
        }
      }
      if (!failed.isEmpty()) {
        throw new IllegalStateException("deployables that did not answer as they ship: " + failed);
      }
    }
  }

  private void measure(ShippedDeployable deployable, LocalStack stack, Map<String, String> env, int runs,
      BenchReport report) {
    FirstRequest request = deployable.kind().equals("function") ? FirstRequest.of(deployable.name(), env) : null;
    FirstRequest helloRequest = request != null && request.isEvent() ? request : new FirstRequest("/", null);
    Class<?> hello = helloRequest.isEvent() ? HelloWorldEventFunction.class : HelloWorldHttpFunction.class;
    if (archives != null) {
      startOurs(deployable, request, stack, env);
      startFunction(hello.getName(), helloClasspath(), helloRequest, env);
    }
    List<Double> ours = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      double oursMs;
      double helloMs;
      if (run % 2 == 0) {
        oursMs = startOurs(deployable, request, stack, env);
        helloMs = startFunction(hello.getName(), helloClasspath(), helloRequest, env);
      } else {
        helloMs = startFunction(hello.getName(), helloClasspath(), helloRequest, env);
        oursMs = startOurs(deployable, request, stack, env);
      }
      ours.add(oursMs);
      baseline.add(helloMs);
      ratios.add(oursMs / helloMs);
    }
    double ratio = BenchReport.percentile(ratios, 0.5);
    double oursMedian = BenchReport.percentile(ours, 0.5);
    System.out.printf("%-13s %10.0f %10.0f %7.2f %9.1f%n", deployable.name(), oursMedian,
        BenchReport.percentile(baseline, 0.5), ratio, deployable.packageMb());
    report.putIn("p3_cold_start_ratio", deployable.name(), ratio);
    report.putIn("p3_cold_start_ms", deployable.name(), oursMedian);
    report.putIn("package_mb", deployable.name(), deployable.packageMb());
  }

  private double startOurs(ShippedDeployable deployable, FirstRequest request, LocalStack stack,
      Map<String, String> env) {
    return switch (deployable.kind()) {
      case "function" -> startFunction(deployable.entryPoint(), deployable.classpathString(), request, env);
      case "service" -> startGateway(deployable, env);
      case "job" -> deployable.name().equals(MODEL_IMPORT) ? startModelImport(deployable, env)
          : startRunner(deployable, stack, env);
      default -> throw new IllegalStateException("p3 cannot start a deployable of kind " + deployable.kind());
    };
  }

  /** A function on the invoker, as Cloud Functions runs it: the invoker's jar, the function's classpath. */
  private double startFunction(String target, String classpath, FirstRequest request, Map<String, String> env) {
    int port = freePort();
    List<String> command = List.of(java(), "-jar", invokerJar(), "--port", Integer.toString(port),
        "--target", target, "--classpath", classpath);
    long start = System.nanoTime();
    try (ManagedProcess process = ManagedProcess.start(target, command, withArchive(env, target), line -> { })) {
      awaitAnswer(process, request, port);
      return millisSince(start);
    }
  }

  /** The realtime gateway as its image runs it, until a client's {@code /ws} is open. */
  private double startGateway(ShippedDeployable gateway, Map<String, String> env) {
    Map<String, String> gatewayEnv = new LinkedHashMap<>(env);
    gatewayEnv.put("PORT", "0");
    long start = System.nanoTime();
    try (ManagedProcess process = ManagedProcess.start(gateway.name(),
        List.of(java(), "-cp", gateway.classpathString(), gateway.entryPoint()), withArchive(gatewayEnv, gateway.name()),
        line -> { })) {
      String ready = process.awaitLine(line -> line.startsWith(RealtimeGatewayMain.READY), START_TIMEOUT);
      int port = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1).strip());
      WebSocket socket = http.newWebSocketBuilder()
          .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?clientId=p3"), new WebSocket.Listener() { })
          .join();
      double millis = millisSince(start);
      socket.abort();
      return millis;
    }
  }

  /** The runner as a GPU task runs it, given a job that does not exist, until it is about to claim it. */
  private double startRunner(ShippedDeployable runner, LocalStack stack, Map<String, String> env) {
    Map<String, String> taskEnv = new LinkedHashMap<>(env);
    taskEnv.put("COMFYUI_URL", stack.comfyUiUrl());
    taskEnv.put("DARKROOM_JOB_IDS", "p3-cold-start-absent");
    taskEnv.put("CLOUD_RUN_EXECUTION", "p3-cold-start");
    taskEnv.put("DRAIN_IDLE_SECONDS", "0");
    long start = System.nanoTime();
    try (ManagedProcess process = ManagedProcess.start(runner.name(),
        List.of(java(), "-cp", runner.classpathString(), runner.entryPoint()), withArchive(taskEnv, runner.name()),
        line -> { })) {
      process.awaitLine(line -> line.contains(RUNNER_READY), START_TIMEOUT);
      return millisSince(start);
    }
  }

  /**
   * The model import job as a Cloud Run task runs it, given an import that is not recorded, until it
   * has read the model's record and said it has nothing to do (its first call to Firestore done).
   */
  private double startModelImport(ShippedDeployable job, Map<String, String> env) {
    Map<String, String> taskEnv = new LinkedHashMap<>(env);
    taskEnv.put(CloudRunModelImportLauncher.FOLDER_VARIABLE, "loras");
    taskEnv.put(CloudRunModelImportLauncher.NAME_VARIABLE, ABSENT_MODEL);
    taskEnv.put(CloudRunModelImportLauncher.IMPORT_ID_VARIABLE, "p3-cold-start");
    long start = System.nanoTime();
    try (ManagedProcess process = ManagedProcess.start(job.name(),
        List.of(java(), "-cp", job.classpathString(), job.entryPoint()), withArchive(taskEnv, job.name()),
        line -> { })) {
      process.awaitLine(line -> line.contains("import of loras/" + ABSENT_MODEL + ": NOTHING_TO_DO"), START_TIMEOUT);
      return millisSince(start);
    }
  }

  /**
   * With AppCDS, {@code env} plus the archive of {@code name}: dumped at exit by the first (training)
   * run, mapped by every later one. Without, {@code env} as it is.
   */
  private Map<String, String> withArchive(Map<String, String> env, String name) {
    if (archives == null) {
      return env;
    }
    Path archive = archives.resolve(name + ".jsa");
    String option = Files.exists(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + archive;
    Map<String, String> withArchive = new LinkedHashMap<>(env);
    withArchive.merge("JAVA_TOOL_OPTIONS", option, (options, cds) -> options + " " + cds);
    return withArchive;
  }

  /** Sends {@code request} until it is answered 2xx (connections are refused until the invoker listens). */
  private void awaitAnswer(ManagedProcess process, FirstRequest request, int port) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + request.path()))
        .timeout(START_TIMEOUT);
    if (request.isEvent()) {
      builder.header("Content-Type", "application/cloudevents+json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    }
    HttpRequest built = builder.build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("exited before answering:\n" + process.tail());
      }
      try {
        HttpResponse<String> answer = http.send(built, HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 == 2) {
          return;
        }
        last = answer.statusCode() + " " + answer.body();
      } catch (ConnectException notListeningYet) {
        // the invoker is still starting
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause();
    }
    throw new IllegalStateException("no 2xx answer in " + START_TIMEOUT + " (last: " + last + "):\n" + process.tail());
  }

  private static void pause() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  private static String helloClasspath() {
    return codeSource(HelloWorldHttpFunction.class);
  }

  private static String invokerJar() {
    return codeSource(com.google.cloud.functions.invoker.runner.Invoker.class);
  }

  private static String codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The checkout this runs in: the nearest directory up from here holding terraform/deployables.json. */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("terraform/deployables.json"))) {
        return dir;
      }
    }
    throw new IllegalStateException("run p3 inside a Darkroom checkout (no terraform/deployables.json above "
        + Path.of("").toAbsolutePath() + ")");
  }
}
