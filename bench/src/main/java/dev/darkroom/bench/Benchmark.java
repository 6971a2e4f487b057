package dev.darkroom.bench;

/** One benchmark of {@code ./darkroom bench}: measures against its own same-run baseline. */
public interface Benchmark {
  /** Short name, as {@code --only} takes it (e.g. {@code p1}). */
  String name();

  /**
   * Measures and puts the figures into {@code report}, printing a table as it goes.
   *
   * @param quick fewer samples, so that all benchmarks together stay under ten minutes
   */
  void run(boolean quick, BenchReport report) throws Exception;
}
