package dev.darkroom.terraform.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Variables the code reads that Terraform must NOT set, each with the reason. Everything else the
 * code reads, Terraform must set.
 */
public final class EnvPolicy {
  private EnvPolicy() {}

  /** Set by the platform: Cloud Run reserves these names. */
  public static final Map<String, String> PLATFORM = Map.of(
      "PORT", "set by Cloud Run (the port to listen on)",
      "K_SERVICE", "set by Cloud Run (the service name)",
      "CLOUD_RUN_EXECUTION", "set by Cloud Run Jobs in every task",
      "CLOUD_RUN_TASK_INDEX", "set by Cloud Run Jobs in every task",
      "CLOUD_RUN_TASK_COUNT", "set by Cloud Run Jobs in every task",
      "CLOUD_RUN_TASK_ATTEMPT", "set by Cloud Run Jobs in every task");

  /** Only the local stack sets these; in the cloud they must stay unset. */
  public static final Map<String, String> LOCAL_ONLY = Map.of(
      "FIRESTORE_EMULATOR_HOST", "local emulator; unset, the client talks to Firestore",
      "PUBSUB_EMULATOR_HOST", "local emulator; unset, the client talks to Pub/Sub",
      "STORAGE_EMULATOR_HOST", "local emulator; unset, the client talks to Cloud Storage",
      "CLOUD_RUN_EMULATOR_HOST", "local emulator; unset, the client talks to Cloud Run",
      "STORAGE_SIGNER_KEY_FILE", "the Storage emulator's signing key; in the cloud the service account signs (signBlob)",
      "DATABASE_URL", "a plain JDBC URL for the embedded PostgreSQL; in the cloud INSTANCE_CONNECTION_NAME selects the Cloud SQL connector",
      "WEBHOOKS_ALLOW_LOOPBACK", "lets webhooks reach 127.0.0.1, where the local stack's test receivers listen;"
          + " in the cloud loopback, private and metadata addresses are always refused",
      "FIREBASE_AUTH_EMULATOR_HOST", "read by the Firebase Admin SDK itself: ID tokens from the local Auth emulator;"
          + " in the cloud tokens are verified against Google's keys",
      "DARKROOM_LOCAL_STACK", "lets authentication be on with emulator hosts set, for the local stack's tests;"
          + " in the cloud an emulator host with DARKROOM_AUTH=on stops the deployable (AuthConfig)");

  /**
   * Read by the JVM itself or by a client library, not by our code: Terraform sets them for every
   * deployable (terraform/modules/darkroom/locals.tf: the start-up options bench p3 measured, and
   * the Firestore client's tracing, which only this variable turns off).
   */
  public static final Map<String, String> JVM = Map.of(
      "JAVA_TOOL_OPTIONS", "the JVM's start-up options, chosen by bench p3 (locals.tf, jvm_startup_options)",
      "FIRESTORE_ENABLE_TRACING", "read by the Firestore client: off, it formats no span attributes on each call for"
          + " spans nothing exports (locals.tf, firestore_tracing)");

  /** Variables Terraform must set to exactly this value, with the reason. */
  public static final Map<String, String> REQUIRED_VALUES = Map.of("DARKROOM_AUTH", "on");
  static final String AUTH_REASON = "authentication is always on in the cloud; 'off' is for the local stack on 127.0.0.1";

  /**
   * Variables an image sets with ENV (Dockerfile), e.g. COMFYUI_COMMAND and COMFYUI_URL in the GPU
   * image: read from the Dockerfile itself, not listed here.
   */
  public static Set<String> imageEnv(Path dockerfile) {
    Set<String> names = new LinkedHashSet<>();
    String text;
    try {
      text = Files.readString(dockerfile).replace("\\\n", " ");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Pattern env = Pattern.compile("(?m)^ENV\\s+(.*)$");
    Pattern name = Pattern.compile("(?:^|\\s)([A-Za-z_][A-Za-z0-9_]*)=");
    Matcher m = env.matcher(text);
    while (m.find()) {
      Matcher n = name.matcher(m.group(1).replaceAll("\"[^\"]*\"", "\"\""));
      while (n.find()) {
        names.add(n.group(1));
      }
    }
    return names;
  }
}
