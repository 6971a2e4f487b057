package dev.darkroom.core.port;

import java.net.URI;
import java.util.Map;

/** POSTs a signed webhook (HTTP in the cloud). */
public interface WebhookSender {
  /** Never throws for the receiver's failures: they are the answer. */
  Response post(URI url, Map<String, String> headers, byte[] body);

  /**
   * @param statusCode the HTTP status, or 0 if there was none (connection failed, timed out, refused)
   * @param refusal why the URL was not called at all (outbound URL policy), or null
   */
  record Response(int statusCode, String error, String refusal) {
    public static Response answered(int statusCode) {
      return new Response(statusCode, null, null);
    }

    public static Response failed(String error) {
      return new Response(0, error, null);
    }

    public static Response refused(String why) {
      return new Response(0, null, why);
    }

    public boolean succeeded() {
      return statusCode >= 200 && statusCode < 300;
    }
  }
}
