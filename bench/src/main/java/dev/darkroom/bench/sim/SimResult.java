package dev.darkroom.bench.sim;

import java.util.Arrays;
import java.util.List;

/**
 * What one policy did with one trace.
 *
 * @param billedMillis instance lifetime summed over every GPU instance (what Cloud Run bills)
 * @param idleMillis of that, time instances were up with ComfyUI ready but no job (neither
 *     booting nor running a job or loading its model)
 * @param tasks GPU instances started
 * @param waitMillis per image: from submission until a GPU started on it (claimed: running)
 * @param doneMillis per image: from submission until it was finished
 * @param modelLoads how many times a GPU loaded a workflow's models (a task's first job, a change
 *     of fingerprint)
 * @param modelLoadMillis the GPU time those loads took, billed like any other
 */
record SimResult(String policy, int images, int tasks, long billedMillis, long idleMillis, List<Long> waitMillis,
    List<Long> doneMillis, int modelLoads, long modelLoadMillis) {

  double modelLoadsPerImage() {
    return (double) modelLoads / images;
  }

  /** The share of the billed GPU time spent loading models. */
  double modelLoadShare() {
    return billedMillis == 0 ? 0 : (double) modelLoadMillis / billedMillis;
  }

  double idleGpuSeconds() {
    return idleMillis / 1000.0;
  }

  double gpuSecondsPerImage() {
    return billedMillis / 1000.0 / images;
  }

  double dollarsPer1000Images(CostModel cost) {
    return billedMillis / 1000.0 * cost.dollarsPerInstanceSecond() / images * 1000;
  }

  double waitSeconds(double quantile) {
    return percentile(waitMillis, quantile) / 1000.0;
  }

  double doneSeconds(double quantile) {
    return percentile(doneMillis, quantile) / 1000.0;
  }

  /** Nearest rank: the smallest value with at least {@code quantile} of the values at or below it. */
  static long percentile(List<Long> values, double quantile) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    int rank = (int) Math.ceil(quantile * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  @Override
  public String toString() {
    return policy + ": " + images + " images, " + tasks + " tasks, " + billedMillis + " ms billed, waits "
        + Arrays.toString(waitMillis.toArray());
  }
}
