package dev.darkroom.gcp;

/**
 * The GPU slots that dispatch and the reconciler count and take: {@code GPU_TASK_CAP} (default 10, a
 * typical first L4 quota per region) slots in {@code GPU_SLOTS_COLLECTION}. Runners only renew the
 * slot they were given, so they need the collection alone ({@link CollectionConfig#gpuSlots}).
 */
public record GpuPoolConfig(CollectionConfig slots, int cap) {
  static final int DEFAULT_CAP = 10;

  public static GpuPoolConfig from(Env env) {
    int cap = env.intOrDefault("GPU_TASK_CAP", DEFAULT_CAP);
    if (cap < 1) {
      throw new Env.MissingConfigException("GPU_TASK_CAP must be at least 1: " + cap);
    }
    return new GpuPoolConfig(CollectionConfig.gpuSlots(env), cap);
  }
}
