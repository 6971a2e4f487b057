package dev.darkroom.core.port;

import dev.darkroom.core.notify.WebhookEndpoint;
import java.util.List;

/** The webhook endpoints users registered (Cloud SQL in the cloud). */
public interface WebhookEndpoints {
  /** The user's enabled endpoints. */
  List<WebhookEndpoint> forUser(String userId);
}
