package dev.darkroom.core.warm;

import dev.darkroom.core.port.GpuPool;
import java.time.Instant;

/**
 * How many GPU tasks the deployment wants up now, idle or busy, to serve prompts without a cold
 * start: {@link KeepWarm#target()} under the keep-warm policy, {@link #NONE} without it. Dispatch
 * counts on it before launching for a prompt, and the reconciler tops the pool up to it.
 */
@FunctionalInterface
public interface WarmTarget {
  /** No policy: nothing is kept warm, so nothing is counted on. */
  WarmTarget NONE = (now, pool) -> 0;

  int wanted(Instant now, GpuPool.Usage pool);
}
