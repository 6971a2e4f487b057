package dev.darkroom.testing;

import dev.darkroom.core.port.DeliveryLog;

class InMemoryDeliveryLogTest extends DeliveryLogContract {
  private final NotifyFakes.Deliveries log = new NotifyFakes.Deliveries();

  @Override
  protected DeliveryLog log() {
    return log;
  }
}
