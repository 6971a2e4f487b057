package dev.darkroom.testing;

import dev.darkroom.core.port.RateCounter;

class InMemoryRateCounterTest extends RateCounterContract {
  private final InMemoryRateCounter counter = new InMemoryRateCounter();

  @Override
  protected RateCounter counter() {
    return counter;
  }
}
