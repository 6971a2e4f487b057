package dev.darkroom.emulators.storage;

import dev.darkroom.emulators.LocalService;
import dev.darkroom.emulators.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A local Cloud Storage for the official Java client over HTTP
 * ({@code StorageOptions.newBuilder().setHost(baseUrl()).setCredentials(NoCredentials.getInstance())}),
 * keeping objects as files under a data directory so they outlive the emulator and can be
 * inspected. URLs signed with {@link #signerKeyFile()} as a service account are honoured.
 */
public final class StorageEmulator implements LocalService {
  private static final String STATE_DIR = ".emulator";

  private final Server server;
  private final int port;
  private final Path dataDir;
  private final SignerKey signer;
  private final FaultInjector faults;
  private final Notifications notifications;

  private StorageEmulator(Server server, int port, Path dataDir, SignerKey signer, FaultInjector faults,
      Notifications notifications) {
    this.notifications = notifications;
    this.server = server;
    this.port = port;
    this.dataDir = dataDir;
    this.signer = signer;
    this.faults = faults;
  }

  /** Starts on 127.0.0.1:{@code port} (0 picks a free port), serving buckets under {@code dataDir}. */
  public static StorageEmulator start(int port, Path dataDir) {
    Path root;
    try {
      root = Files.createDirectories(dataDir).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + dataDir + " as the storage data directory", e);
    }
    Path state = root.resolve(STATE_DIR);
    SignerKey signer = SignerKey.loadOrCreate(state.resolve("signer.json"));
    ObjectStore store = new ObjectStore(root, state.resolve("tmp"));
    ResumableUploads uploads = new ResumableUploads(store, state.resolve("tmp"));
    FaultInjector faults = new FaultInjector();
    Notifications notifications = new Notifications();
    store.onFinalize(notifications::finalized);
    SignedUrlVerifier verifier =
        new SignedUrlVerifier(Map.of(signer.clientEmail(), signer.publicKey()), Clock.systemUTC());

    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("storage-emulator");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    // Object names arrive percent-encoded in one path segment (a/b as a%2Fb) and may contain
    // "..": the routes decode segments themselves, so Jetty must pass such paths through.
    http.setUriCompliance(UriCompliance.UNSAFE);
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(LoopbackPorts.HOST);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new StorageHttpHandler(new JsonApi(store, uploads, notifications), new SignedUrlApi(store, verifier, uploads), faults));
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // already failing; the start error is the one to report
      }
      throw new IllegalStateException("storage emulator could not listen on " + LoopbackPorts.HOST + ":" + port, e);
    }
    return new StorageEmulator(server, connector.getLocalPort(), root, signer, faults, notifications);
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:PORT}, for {@code StorageOptions.Builder.setHost} and signing. */
  public String baseUrl() {
    return "http://" + hostPort();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The service-account key file to sign URLs with ({@code ServiceAccountCredentials.fromStream}). */
  public Path signerKeyFile() {
    return signer.file();
  }

  /**
   * Lets buckets' notification configs publish: {@code publisher} gets each message for a topic
   * {@code projects/{p}/topics/{t}}. Until this is called, creating a notification config is a 400.
   */
  public void publishNotificationsWith(NotificationPublisher publisher) {
    notifications.publishTo(publisher::publish, baseUrl());
  }

  /** Publishes a Cloud Storage notification message to a Pub/Sub topic. */
  @FunctionalInterface
  public interface NotificationPublisher {
    void publish(String topic, Map<String, String> attributes, byte[] data);
  }

  /** Answers the next {@code n} API requests with 503 (replacing any count still pending). */
  public void failNextRequests(int n) {
    faults.failNext(n);
  }

  /** How many requests have been answered with an injected 503 since start. */
  public int injectedFailuresServed() {
    return faults.state().served();
  }

  @Override
  public String name() {
    return "storage";
  }

  @Override
  public String hostPort() {
    return LoopbackPorts.HOST + ":" + port;
  }

  @Override
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("STORAGE_EMULATOR_HOST", baseUrl());
    env.put("STORAGE_SIGNER_KEY_FILE", signerKeyFile().toString());
    return java.util.Collections.unmodifiableMap(env);
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("storage emulator did not stop cleanly", e);
    }
  }
}
