package dev.darkroom.emulators;

import dev.darkroom.emulators.eventarc.EventarcBridge;
import dev.darkroom.emulators.google.FirestoreEmulator;
import dev.darkroom.emulators.google.PubSubEmulator;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import dev.darkroom.emulators.run.CloudRunJobsEmulator;
import dev.darkroom.emulators.storage.StorageEmulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cloud: the chosen services started together (in parallel, since the two Google
 * emulators are separate JVMs that take about a second each), plus the Eventarc bridge on top of
 * the Pub/Sub emulator. Closing it stops everything it started, in reverse order.
 */
public final class LocalCloud implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalCloud.class);

  /** The services the local cloud can run. */
  public enum Service {
    FIRESTORE,
    PUBSUB,
    STORAGE,
    CLOUD_RUN
  }

  /**
   * What to start and where. A port of 0 means any free port on 127.0.0.1.
   *
   * @param dataDir Cloud Storage objects and Cloud Run task logs live below it
   */
  public record Options(
      String projectId,
      Path dataDir,
      Set<Service> services,
      int firestorePort,
      int pubSubPort,
      int storagePort,
      int cloudRunPort) {

    public Options {
      services = services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(services);
    }

    /** Every service on free ports: what tests want. */
    public static Options allOnFreePorts(String projectId, Path dataDir) {
      return new Options(projectId, dataDir, EnumSet.allOf(Service.class), 0, 0, 0, 0);
    }
  }

  private final String projectId;
  private final List<LocalService> started;
  private final FirestoreEmulator firestore;
  private final PubSubEmulator pubSub;
  private final StorageEmulator storage;
  private final CloudRunJobsEmulator cloudRun;
  private volatile EventarcBridge eventarc;
  private volatile PubSubEmulatorChannels notificationChannels;

  private LocalCloud(String projectId, List<LocalService> started) {
    this.projectId = projectId;
    this.started = List.copyOf(started);
    this.firestore = find(FirestoreEmulator.class);
    this.pubSub = find(PubSubEmulator.class);
    this.storage = find(StorageEmulator.class);
    this.cloudRun = find(CloudRunJobsEmulator.class);
  }

  /** Starts the chosen services; if one fails, stops the others and throws. */
  public static LocalCloud start(Options options) {
    Map<Service, Supplier<LocalService>> starters = new LinkedHashMap<>();
    starters.put(Service.FIRESTORE, () -> FirestoreEmulator.start(options.firestorePort(), options.projectId()));
    starters.put(Service.PUBSUB, () -> PubSubEmulator.start(options.pubSubPort()));
    starters.put(Service.STORAGE, () -> StorageEmulator.start(options.storagePort(), options.dataDir().resolve("storage")));
    starters.put(Service.CLOUD_RUN, () -> CloudRunJobsEmulator.start(options.cloudRunPort(), options.dataDir().resolve("cloud-run")));

    List<CompletableFuture<LocalService>> futures = new ArrayList<>();
    for (Service service : options.services()) {
      futures.add(CompletableFuture.supplyAsync(starters.get(service)));
    }
    List<LocalService> started = new ArrayList<>();
    RuntimeException failure = null;
    for (CompletableFuture<LocalService> future : futures) {
      try {
        started.add(future.join());
      } catch (CompletionException e) {
        RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    LocalCloud cloud = new LocalCloud(options.projectId(), started);
    if (failure != null) {
      cloud.close();
      throw failure;
    }
    cloud.started.forEach(s -> log.info("{} ready on {}", s.name(), s.hostPort()));
    cloud.connectStorageNotifications();
    return cloud;
  }

  /**
   * With both Storage and Pub/Sub running, buckets' notification configs publish to the Pub/Sub
   * emulator, one unary publish per message (as GCS does, never batched behind a close).
   */
  private void connectStorageNotifications() {
    if (storage == null || pubSub == null) {
      return;
    }
    PubSubEmulatorChannels channels = PubSubEmulatorChannels.connect(pubSub.hostPort());
    notificationChannels = channels;
    storage.publishNotificationsWith((topic, attributes, data) -> channels.topicAdmin().publish(topic,
        List.of(com.google.pubsub.v1.PubsubMessage.newBuilder().putAllAttributes(attributes)
            .setData(com.google.protobuf.ByteString.copyFrom(data)).build())));
  }

  private <T extends LocalService> T find(Class<T> type) {
    return started.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
  }

  public String projectId() {
    return projectId;
  }

  public Optional<FirestoreEmulator> firestore() {
    return Optional.ofNullable(firestore);
  }

  public Optional<PubSubEmulator> pubSub() {
    return Optional.ofNullable(pubSub);
  }

  public Optional<StorageEmulator> storage() {
    return Optional.ofNullable(storage);
  }

  public Optional<CloudRunJobsEmulator> cloudRun() {
    return Optional.ofNullable(cloudRun);
  }

  /** The Eventarc bridge over the Pub/Sub emulator, created on first use. */
  public synchronized EventarcBridge eventarc() {
    if (pubSub == null) {
      throw new IllegalStateException("the Eventarc bridge needs the Pub/Sub emulator, which is not running");
    }
    if (eventarc == null) {
      eventarc = new EventarcBridge(pubSub.hostPort(), projectId);
    }
    return eventarc;
  }

  public List<LocalService> services() {
    return started;
  }

  /**
   * Every variable that points official clients and Darkroom's own configuration at this cloud,
   * starting with the project id.
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GOOGLE_CLOUD_PROJECT", projectId);
    started.forEach(s -> env.putAll(s.environment()));
    return env;
  }

  /**
   * Stops Eventarc deliveries (and lets the ones in flight finish): the first step of a shutdown,
   * before the functions they deliver to go away.
   */
  public synchronized void stopEventarc() {
    EventarcBridge bridge = eventarc;
    if (bridge != null) {
      closeQuietly("eventarc", bridge);
      eventarc = null;
    }
  }

  @Override
  public void close() {
    stopEventarc();
    if (notificationChannels != null) {
      closeQuietly("storage notifications", notificationChannels);
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      LocalService service = started.get(i);
      closeQuietly(service.name(), service);
    }
  }

  private static void closeQuietly(String name, AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("stopping {} failed: {}", name, e.toString());
    }
  }
}
