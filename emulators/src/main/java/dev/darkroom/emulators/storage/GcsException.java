package dev.darkroom.emulators.storage;

/**
 * A request the emulator refuses, carrying what GCS would answer: the HTTP status and the
 * {@code reason} of its JSON error (or the {@code Code} of its XML error on signed-URL routes).
 */
final class GcsException extends RuntimeException {
  private final int status;
  private final String reason;

  GcsException(int status, String reason, String message) {
    super(message);
    this.status = status;
    this.reason = reason;
  }

  int status() {
    return status;
  }

  String reason() {
    return reason;
  }

  static GcsException badRequest(String message) {
    return new GcsException(400, "invalid", message);
  }

  static GcsException notFound(String message) {
    return new GcsException(404, "notFound", message);
  }

  static GcsException conflict(String message) {
    return new GcsException(409, "conflict", message);
  }

  static GcsException conditionNotMet(String message) {
    return new GcsException(412, "conditionNotMet", message);
  }

  static GcsException notImplemented(String message) {
    return new GcsException(501, "notImplemented", message);
  }
}
