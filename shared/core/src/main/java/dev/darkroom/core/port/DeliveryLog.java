package dev.darkroom.core.port;

import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryHistory;
import java.util.List;

/**
 * Every delivery attempt of every notification, per target (Cloud SQL in the cloud): what makes
 * a redelivered notification skip the targets it already reached.
 */
public interface DeliveryLog {
  DeliveryHistory history(String notificationId, String target);

  /**
   * Records an attempt. At most one final outcome is kept per (notification, target): a second
   * one (two instances racing on a redelivered message) is ignored, and so is a repeated attempt
   * number.
   */
  void record(DeliveryAttempt attempt);

  /**
   * The latest attempts to one target (a webhook endpoint's id), newest first, at most
   * {@code limit}: what its owner sees of its deliveries. Whose target it is, is the caller's check.
   */
  List<DeliveryAttempt> latest(String target, int limit);
}
