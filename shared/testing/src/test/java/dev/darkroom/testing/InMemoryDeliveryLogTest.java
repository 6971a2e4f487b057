package dev.darkroom.testing;

import dev.darkroom.core.port.DeliveryLog;

class InMemoryDeliveryLogTest extends DeliveryLogContract {
  private final InMemoryDeliveryLog log = new InMemoryDeliveryLog();

  @Override
  protected DeliveryLog log() {
    return log;
  }
}
