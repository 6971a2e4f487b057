package dev.darkroom.realtime;

/**
 * Where one socket's messages go. Implementations send in call order and never block the caller:
 * the gateway calls them while it holds a user's lock.
 */
interface ClientSink {
  void send(String text);

  /** A binary frame (a preview, or an image a node sends over the socket). */
  void sendBinary(byte[] frame);

  /** Whether the client's {@code feature_flags} said {@code supports_preview_metadata}. */
  boolean wantsPreviewMetadata();

  /** What the client's first {@code feature_flags} message said of {@code supports_preview_metadata}. */
  void previewMetadata(boolean supported);

  /** Closes the socket with a WebSocket close code, e.g. 1011 when the job feed broke. */
  void close(int code, String reason);
}
