package dev.darkroom.core.port;

import java.util.List;
import java.util.Map;

/** Push notifications to devices (Firebase Cloud Messaging in the cloud). */
public interface PushSender {
  /**
   * Sends one message to each token.
   *
   * @param collapseKey the same for every attempt of one notification, so a device shows it once
   */
  Result send(List<String> tokens, String title, String body, Map<String, String> data, String collapseKey);

  /**
   * @param invalid tokens FCM says will never work again (unregistered, invalid): to be forgotten
   * @param failed tokens that failed for now (unavailable, quota, internal)
   */
  record Result(int sent, List<String> invalid, List<String> failed) {}
}
