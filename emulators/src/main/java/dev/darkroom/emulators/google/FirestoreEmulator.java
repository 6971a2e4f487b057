package dev.darkroom.emulators.google;

import dev.darkroom.emulators.LoopbackPorts;
import dev.darkroom.emulators.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Google's Firestore emulator (the gcloud component), run as a child JVM on 127.0.0.1. */
public final class FirestoreEmulator extends GoogleEmulatorProcess {
  /** The variable the official Firestore clients read to talk to an emulator. */
  public static final String HOST_VARIABLE = "FIRESTORE_EMULATOR_HOST";

  private static final Logger log = LoggerFactory.getLogger(FirestoreEmulator.class);

  private final String projectId;
  private final HttpClient http;

  private FirestoreEmulator(ManagedProcess process, int port, String projectId, HttpClient http) {
    super("firestore", HOST_VARIABLE, process, port);
    this.projectId = projectId;
    this.http = http;
  }

  /** Starts the emulator on {@code port} (0: a free one) and returns once it answers HTTP. */
  public static FirestoreEmulator start(int port, String projectId) {
    return start(port, projectId, GcloudPlatform.fromEnvironment());
  }

  public static FirestoreEmulator start(int port, String projectId, GcloudPlatform platform) {
    return LoopbackPorts.startOnFreePort(port, chosen -> startOn(chosen, projectId, platform));
  }

  private static FirestoreEmulator startOn(int chosen, String projectId, GcloudPlatform platform) {
    Path jar = platform.firestoreEmulatorJar();
    List<String> command =
        List.of(
            currentJava(),
            // The emulator's messages are matched by people reading logs; keep them in English.
            "-Duser.language=en",
            "-cp",
            jar.toString(),
            "com.google.cloud.datastore.emulator.firestore.CloudFirestore",
            "start",
            "--host=" + LoopbackPorts.HOST,
            "--port=" + chosen);
    ManagedProcess process =
        ManagedProcess.start("firestore", command, Map.of(), line -> log.debug("firestore: {}", line));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    FirestoreEmulator emulator = new FirestoreEmulator(process, chosen, projectId, http);
    try {
      emulator.awaitReady();
    } catch (RuntimeException e) {
      emulator.close();
      throw e;
    }
    log.info("firestore emulator ready on {} (pid {})", emulator.hostPort(), process.pid());
    return emulator;
  }

  static String currentJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  // Readiness over HTTP: the emulator binds [::ffff:127.0.0.1], which socket listings misreport,
  // and its log line comes before it serves requests.
  private void awaitReady() {
    process.awaitHttp(baseUri().resolve("/"), body -> body.strip().equals("Ok"), START_TIMEOUT);
  }


  /** Deletes every document of the project's default database, as between two tests. */
  public void reset() {
    String database = URLEncoder.encode("(default)", StandardCharsets.UTF_8);
    URI uri =
        baseUri().resolve("/emulator/v1/projects/" + projectId + "/databases/" + database + "/documents");
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).DELETE().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "firestore emulator reset answered " + response.statusCode() + ": " + response.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("firestore emulator reset failed on " + hostPort(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted resetting the firestore emulator", e);
    }
  }

  public String projectId() {
    return projectId;
  }

  private URI baseUri() {
    return URI.create("http://" + hostPort());
  }

}
