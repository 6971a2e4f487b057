package dev.darkroom.testing;

import dev.darkroom.core.port.DeviceTokens;

/** The fake passes the same contract as the real adapter. */
class InMemoryDeviceTokensTest extends DeviceTokensContract {
  private final InMemoryDeviceTokens tokens = new InMemoryDeviceTokens();

  @Override
  protected DeviceTokens tokens() {
    return tokens;
  }
}
