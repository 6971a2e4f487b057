package dev.darkroom.core.limits;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A number per service tier, as configured: {@code tier=n,tier=n}, e.g. {@code free=10,pro=500}.
 * A tier not listed has no limit. The same shape serves concurrency, rates, queue caps and quotas.
 */
public record PerTier(Map<String, Long> byTier) {
  public PerTier {
    byTier = Map.copyOf(byTier);
  }

  public static PerTier none() {
    return new PerTier(Map.of());
  }

  /**
   * Parses {@code tier=n,tier=n}; blank means no limits.
   *
   * @param min the smallest value that makes sense for this setting
   * @throws IllegalArgumentException naming the entry that is wrong
   */
  public static PerTier parse(String spec, long min) {
    Map<String, Long> limits = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] pair = entry.split("=", -1);
      if (pair.length != 2 || pair[0].isBlank()) {
        throw new IllegalArgumentException("not tier=number: '" + entry.trim() + "' in '" + spec + "'");
      }
      long value;
      try {
        value = Long.parseLong(pair[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number: '" + entry.trim() + "' in '" + spec + "'");
      }
      if (value < min) {
        throw new IllegalArgumentException("must be at least " + min + ": '" + entry.trim() + "' in '" + spec + "'");
      }
      if (limits.put(pair[0].trim(), value) != null) {
        throw new IllegalArgumentException("tier listed twice: '" + pair[0].trim() + "' in '" + spec + "'");
      }
    }
    return new PerTier(limits);
  }

  /** The tier's number, or empty when the tier has no limit. */
  public OptionalLong of(String tier) {
    Long value = byTier.get(tier);
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
