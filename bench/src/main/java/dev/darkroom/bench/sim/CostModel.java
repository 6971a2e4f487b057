package dev.darkroom.bench.sim;

/**
 * What GPU time costs. docs/DISPATCH_SIMULATION.md gives the source of every default.
 *
 * @param coldStartMillis from launch until the runner can claim: instance start, image pull,
 *     ComfyUI boot (model loads are per workflow, on top)
 * @param dispatchDelayMillis from a publish on job-submitted until dispatch has run (Pub/Sub and
 *     the function); the pool pays it too, between arrival and its claim
 * @param dollarsPerInstanceSecond one L4 instance (GPU + 4 vCPU + 16 GiB), billed its whole lifetime
 */
record CostModel(long coldStartMillis, long dispatchDelayMillis, double dollarsPerInstanceSecond) {

  /** Cloud Run jobs, Tier 1 region, L4 without zonal redundancy: GPU + 4 vCPU + 16 GiB per second. */
  static final double L4_INSTANCE_DOLLARS_PER_SECOND = 0.0001867 + 4 * 0.000018 + 16 * 0.000002;

  static CostModel defaults() {
    return new CostModel(40_000, 500, L4_INSTANCE_DOLLARS_PER_SECOND);
  }
}
