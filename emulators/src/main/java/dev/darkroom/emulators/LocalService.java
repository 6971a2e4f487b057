package dev.darkroom.emulators;

import java.util.Map;

/**
 * One local stand-in for a Google Cloud service, listening on 127.0.0.1.
 *
 * <p>{@link #environment()} gives the variables that point the official clients (or our own
 * configuration) at it, the way {@code gcloud beta emulators ... env-init} does.
 */
public interface LocalService extends AutoCloseable {

  /** Short name used in logs and in the CLI, e.g. {@code firestore}. */
  String name();

  /** Host and port the service answers on, e.g. {@code 127.0.0.1:8085}. */
  String hostPort();

  /** Environment variables that point clients at this service, in a stable order. */
  Map<String, String> environment();

  /** Stops the service and everything it started; safe to call twice. */
  @Override
  void close();
}
