package dev.darkroom.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The figures of one {@code ./darkroom bench} run: printed as each benchmark measures them, and
 * written as one JSON object with {@code --json FILE}. Ratios are always ours over the baseline
 * measured in the same run.
 */
public final class BenchReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final ObjectNode figures = JSON.createObjectNode();

  /** A top-level figure, e.g. {@code p1_submit_ratio}. */
  public synchronized void put(String key, double value) {
    figures.put(key, round(value));
  }

  /** A figure in a named map, e.g. {@code p3_cold_start_ms.api}. */
  public synchronized void putIn(String map, String key, double value) {
    ObjectNode inner = figures.has(map) ? (ObjectNode) figures.get(map) : figures.putObject(map);
    inner.put(key, round(value));
  }

  /** A nested object (e.g. the round-trip table), kept as given. */
  public synchronized void putObject(String key, ObjectNode value) {
    figures.set(key, value);
  }

  public synchronized ObjectNode figures() {
    return figures.deepCopy();
  }

  public synchronized void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, JSON.writeValueAsString(figures) + "\n");
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }

  /** The p-th percentile (0 < p <= 1) of {@code values}, nearest rank. */
  public static double percentile(List<? extends Number> values, double p) {
    List<Double> sorted = new ArrayList<>();
    values.forEach(v -> sorted.add(v.doubleValue()));
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get((int) Math.max(0, Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1)));
  }
}
