package dev.darkroom.bench.sim;

/**
 * What GPU time costs. docs/DISPATCH_SIMULATION.md gives the source of every default.
 *
 * @param coldStartMillis from launch until the runner can claim: instance start, image pull,
 *     ComfyUI boot (model loads are per workflow, on top)
 * @param dispatchDelayMillis from a publish on job-submitted until dispatch has run (Pub/Sub and
 *     the function); the pool pays it too, between arrival and its claim
 * @param dollarsPerInstanceSecond one L4 instance (GPU + 4 vCPU + 16 GiB), billed its whole lifetime
 * @param modelLoadScale every workflow's model load time is multiplied by this: 1 is the default
 *     estimate (docs/DISPATCH_SIMULATION.md), 2 a mount that reads at half that speed, 0.5 one at
 *     twice (docs/MODELS.md, "Load time")
 */
record CostModel(long coldStartMillis, long dispatchDelayMillis, double dollarsPerInstanceSecond,
    double modelLoadScale) {

  CostModel(long coldStartMillis, long dispatchDelayMillis, double dollarsPerInstanceSecond) {
    this(coldStartMillis, dispatchDelayMillis, dollarsPerInstanceSecond, 1.0);
  }

  /** How long loading {@code workflow}'s models takes under this model. */
  long modelLoadMillis(Workflow workflow) {
    return Math.round(workflow.modelLoadMillis() * modelLoadScale);
  }

  /** Cloud Run jobs, Tier 1 region, L4 without zonal redundancy: GPU + 4 vCPU + 16 GiB per second. */
  static final double L4_INSTANCE_DOLLARS_PER_SECOND = 0.0001867 + 4 * 0.000018 + 16 * 0.000002;

  static CostModel defaults() {
    return new CostModel(40_000, 500, L4_INSTANCE_DOLLARS_PER_SECOND);
  }
}
