package dev.darkroom.testing;

import dev.darkroom.core.port.PendingNotifications;

class InMemoryPendingNotificationsTest extends PendingNotificationsContract {
  private final InMemoryPendingNotifications pending = new InMemoryPendingNotifications();

  @Override
  protected PendingNotifications pending() {
    return pending;
  }
}
