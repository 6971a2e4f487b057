package dev.darkroom.testing;

import dev.darkroom.core.port.PendingNotifications;

class InMemoryPendingNotificationsTest extends PendingNotificationsContract {
  private final NotifyFakes.Pending pending = new NotifyFakes.Pending();

  @Override
  protected PendingNotifications pending() {
    return pending;
  }
}
