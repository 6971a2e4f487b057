package dev.darkroom.gcp;

import java.util.Optional;

/**
 * Where the Google clients talk: the project ({@code GOOGLE_CLOUD_PROJECT}) and, on the local stack
 * only, the emulators ({@code FIRESTORE_EMULATOR_HOST}, {@code PUBSUB_EMULATOR_HOST},
 * {@code STORAGE_EMULATOR_HOST}, our {@code CLOUD_RUN_EMULATOR_HOST}, and firebase-tools'
 * {@code FIREBASE_AUTH_EMULATOR_HOST}). The emulator hosts are one concern, read together: the
 * local stack sets all of them and Terraform none (terraform/checks fails if it sets one). Null
 * host: the real service.
 */
public record GoogleCloudConfig(String projectId, String firestoreEmulatorHost, String pubSubEmulatorHost,
    String storageEmulatorHost, String cloudRunEmulatorHost, String firebaseAuthEmulatorHost) {

  public static GoogleCloudConfig from(Env env) {
    return new GoogleCloudConfig(env.require("GOOGLE_CLOUD_PROJECT", "the Google Cloud project id"),
        env.optional("FIRESTORE_EMULATOR_HOST").orElse(null),
        env.optional("PUBSUB_EMULATOR_HOST").orElse(null),
        env.optional("STORAGE_EMULATOR_HOST").orElse(null),
        env.optional("CLOUD_RUN_EMULATOR_HOST").orElse(null),
        env.optional("FIREBASE_AUTH_EMULATOR_HOST").orElse(null));
  }

  /** The emulator host variables set in {@code env}, by name (empty in the cloud). */
  public static java.util.List<String> emulatorHostsSet(Env env) {
    java.util.List<String> set = new java.util.ArrayList<>();
    env.optional("FIRESTORE_EMULATOR_HOST").ifPresent(host -> set.add("FIRESTORE_EMULATOR_HOST"));
    env.optional("PUBSUB_EMULATOR_HOST").ifPresent(host -> set.add("PUBSUB_EMULATOR_HOST"));
    env.optional("STORAGE_EMULATOR_HOST").ifPresent(host -> set.add("STORAGE_EMULATOR_HOST"));
    env.optional("CLOUD_RUN_EMULATOR_HOST").ifPresent(host -> set.add("CLOUD_RUN_EMULATOR_HOST"));
    env.optional("FIREBASE_AUTH_EMULATOR_HOST").ifPresent(host -> set.add("FIREBASE_AUTH_EMULATOR_HOST"));
    return set;
  }

  public Optional<String> firestoreEmulator() {
    return Optional.ofNullable(firestoreEmulatorHost);
  }

  public Optional<String> pubSubEmulator() {
    return Optional.ofNullable(pubSubEmulatorHost);
  }

  public Optional<String> storageEmulator() {
    return Optional.ofNullable(storageEmulatorHost);
  }

  public Optional<String> cloudRunEmulator() {
    return Optional.ofNullable(cloudRunEmulatorHost);
  }

  /** The Firebase Admin SDK reads the variable itself; we only need to know that it is set. */
  public boolean firebaseAuthEmulated() {
    return firebaseAuthEmulatorHost != null;
  }
}
