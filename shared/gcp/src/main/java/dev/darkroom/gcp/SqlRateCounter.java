package dev.darkroom.gcp;

import dev.darkroom.core.port.RateCounter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * {@link RateCounter} in PostgreSQL (Cloud SQL), table {@code rate_windows}: one upsert that
 * counts the request and reads the window before, in one round trip. Now and then (one call in a
 * thousand) a call also deletes windows older than an hour, so the table stays small without a job.
 */
public final class SqlRateCounter implements RateCounter {
  private static final String COUNT = """
      WITH counted AS (
        INSERT INTO rate_windows (subject, window_start, count) VALUES (?, ?, 1)
        ON CONFLICT (subject, window_start) DO UPDATE SET count = rate_windows.count + 1
        RETURNING count)
      SELECT (SELECT count FROM counted),
             COALESCE((SELECT count FROM rate_windows WHERE subject = ? AND window_start = ?), 0)
      """;
  private static final Duration KEEP = Duration.ofHours(1);

  private final DataSource dataSource;

  public SqlRateCounter(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Counts increment(String subject, Instant windowStart, Instant previousWindowStart) {
    try (Connection c = dataSource.getConnection(); PreparedStatement count = c.prepareStatement(COUNT)) {
      Sql.bind(count, subject, windowStart, subject, previousWindowStart);
      Counts counts;
      try (ResultSet row = count.executeQuery()) {
        row.next();
        counts = new Counts(row.getLong(1), row.getLong(2));
      }
      if (ThreadLocalRandom.current().nextInt(1000) == 0) {
        try (PreparedStatement prune = c.prepareStatement("DELETE FROM rate_windows WHERE window_start < ?")) {
          Sql.bind(prune, windowStart.minus(KEEP));
          prune.executeUpdate();
        }
      }
      return counts;
    } catch (SQLException e) {
      throw new IllegalStateException("counting a request of " + subject + " failed: " + e.getMessage(), e);
    }
  }
}
