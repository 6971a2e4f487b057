package dev.darkroom.emulators;

import dev.darkroom.emulators.LocalCloud.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./darkroom emulators}: starts the local cloud, prints {@code export} lines for the
 * variables the official clients read (like {@code gcloud beta emulators ... env-init}), writes
 * them to a file other shells can source, and runs until Ctrl-C.
 */
@Command(
    name = "darkroom emulators",
    mixinStandardHelpOptions = true,
    description = "Starts Darkroom's local cloud on 127.0.0.1 and prints the environment for its clients.")
public final class LocalCloudMain implements Callable<Integer> {

  @Option(names = "--project", defaultValue = "darkroom-local", description = "Project id (default: ${DEFAULT-VALUE}).")
  String projectId;

  @Option(names = "--data-dir", defaultValue = ".darkroom/data", description = "Where Cloud Storage objects and Cloud Run task logs live (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--only", split = ",", paramLabel = "SERVICE", description = "Start only these: ${COMPLETION-CANDIDATES} (default: all).")
  EnumSet<Service> only;

  @Option(names = "--firestore-port", defaultValue = "8080", description = "Firestore emulator port; 0 = any free port (default: ${DEFAULT-VALUE}).")
  int firestorePort;

  @Option(names = "--pubsub-port", defaultValue = "8085", description = "Pub/Sub emulator port (default: ${DEFAULT-VALUE}).")
  int pubSubPort;

  @Option(names = "--storage-port", defaultValue = "9199", description = "Cloud Storage emulator port (default: ${DEFAULT-VALUE}).")
  int storagePort;

  @Option(names = "--cloud-run-port", defaultValue = "8095", description = "Cloud Run Jobs emulator port (default: ${DEFAULT-VALUE}).")
  int cloudRunPort;

  @Option(names = "--env-file", defaultValue = ".darkroom/emulators.env", description = "Also write the export lines here (default: ${DEFAULT-VALUE}).")
  Path envFile;

  @Override
  public Integer call() throws Exception {
    EnumSet<Service> services = only == null ? EnumSet.allOf(Service.class) : only;
    LocalCloud.Options options = new LocalCloud.Options(
        projectId, dataDir.toAbsolutePath(), services, firestorePort, pubSubPort, storagePort, cloudRunPort);
    CountDownLatch stopped = new CountDownLatch(1);
    try (LocalCloud cloud = LocalCloud.start(options)) {
      String exports = exportLines(cloud.environment());
      writeEnvFile(exports);
      System.out.print(exports);
      System.out.flush();
      System.err.printf(
          "darkroom: local cloud running (emulated services, not Google Cloud); source %s in another shell; Ctrl-C stops everything%n",
          envFile);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        cloud.close();
        stopped.countDown();
      }, "local-cloud-shutdown"));
      stopped.await();
    }
    return 0;
  }

  static String exportLines(Map<String, String> env) {
    StringBuilder out = new StringBuilder();
    env.forEach((name, value) -> out.append("export ").append(name).append("='")
        .append(value.replace("'", "'\\''")).append("'\n"));
    return out.toString();
  }

  private void writeEnvFile(String exports) throws IOException {
    Path parent = envFile.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, "env", ".tmp");
    Files.writeString(tmp, exports);
    Files.move(tmp, envFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LocalCloudMain()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }
}
