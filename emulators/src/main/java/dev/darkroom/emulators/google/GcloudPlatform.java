package dev.darkroom.emulators.google;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the Google Cloud CLI keeps its emulator components. They come from Debian packages that
 * cannot be reinstalled offline, so a missing file fails fast with the package to install.
 */
public final class GcloudPlatform {
  /** Overrides the install root, e.g. for a gcloud SDK unpacked outside of {@code /usr/lib}. */
  public static final String PLATFORM_DIR_VARIABLE = "DARKROOM_GCLOUD_PLATFORM_DIR";

  public static final Path DEFAULT_PLATFORM_DIR = Path.of("/usr/lib/google-cloud-sdk/platform");
  static final String FIRESTORE_PACKAGE = "google-cloud-cli-firestore-emulator";
  static final String PUBSUB_PACKAGE = "google-cloud-cli-pubsub-emulator";

  private final Path root;

  private GcloudPlatform(Path root) {
    this.root = root;
  }

  /** The install root named by {@value #PLATFORM_DIR_VARIABLE}, else the Debian location. */
  public static GcloudPlatform fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static GcloudPlatform fromEnvironment(Map<String, String> env) {
    String configured = env.get(PLATFORM_DIR_VARIABLE);
    return at(configured == null || configured.isBlank() ? DEFAULT_PLATFORM_DIR : Path.of(configured));
  }

  public static GcloudPlatform at(Path root) {
    return new GcloudPlatform(root);
  }

  public Path root() {
    return root;
  }

  /** The Firestore emulator's jar; throws naming the Debian package when it is absent. */
  public Path firestoreEmulatorJar() {
    return require(
        root.resolve("cloud-firestore-emulator").resolve("cloud-firestore-emulator.jar"),
        "Firestore",
        FIRESTORE_PACKAGE);
  }

  /** The Pub/Sub emulator's launcher script; throws naming the Debian package when it is absent. */
  public Path pubSubEmulatorLauncher() {
    return require(
        root.resolve("pubsub-emulator").resolve("bin").resolve("cloud-pubsub-emulator"),
        "Pub/Sub",
        PUBSUB_PACKAGE);
  }

  private static Path require(Path file, String service, String debianPackage) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "The "
              + service
              + " emulator is not installed: "
              + file
              + " does not exist. Install the Debian package "
              + debianPackage
              + " (apt-get install "
              + debianPackage
              + "), or set "
              + PLATFORM_DIR_VARIABLE
              + " to the platform/ directory of a Google Cloud SDK that has it.");
    }
    return file;
  }
}
