package dev.darkroom.testing;

import dev.darkroom.core.port.GpuPool;

/** The fake keeps the same contract as the Firestore adapter. */
class InMemoryGpuPoolTest extends GpuPoolContract {
  @Override
  protected GpuPool pool(int cap) {
    return new InMemoryGpuPool(cap);
  }
}
