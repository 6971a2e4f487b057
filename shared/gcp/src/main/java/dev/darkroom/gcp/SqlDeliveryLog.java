package dev.darkroom.gcp;

import dev.darkroom.core.notify.DeliveryAttempt;
import dev.darkroom.core.notify.DeliveryAttempt.Outcome;
import dev.darkroom.core.notify.DeliveryHistory;
import dev.darkroom.core.port.DeliveryLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * {@link DeliveryLog} in PostgreSQL (Cloud SQL), table {@code notification_deliveries}. A partial
 * unique index keeps one final outcome per (notification, target); a racing duplicate is dropped
 * by {@code ON CONFLICT DO NOTHING}.
 */
public final class SqlDeliveryLog implements DeliveryLog {
  private final DataSource dataSource;

  public SqlDeliveryLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public DeliveryHistory history(String notificationId, String target) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement query = c.prepareStatement("""
             SELECT count(*) AS n, coalesce(max(attempt), 0) AS last, bool_or(outcome <> 'retry') AS finished,
                    min(at) AS first_at, max(at) AS last_at
             FROM notification_deliveries WHERE notification_id = ? AND target = ?""")) {
      query.setString(1, notificationId);
      query.setString(2, target);
      try (ResultSet row = query.executeQuery()) {
        row.next();
        if (row.getLong("n") == 0) {
          return DeliveryHistory.NONE;
        }
        return new DeliveryHistory(row.getInt("last"), row.getBoolean("finished"),
            row.getTimestamp("first_at").toInstant(), row.getTimestamp("last_at").toInstant());
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading deliveries of " + notificationId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void record(DeliveryAttempt attempt) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement insert = c.prepareStatement("""
             INSERT INTO notification_deliveries
               (notification_id, target, attempt, outcome, status_code, error, at, job_id, event, duration_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
      insert.setString(1, attempt.notificationId());
      insert.setString(2, attempt.target());
      insert.setInt(3, attempt.attempt());
      insert.setString(4, wireName(attempt.outcome()));
      if (attempt.statusCode() == null) {
        insert.setNull(5, Types.INTEGER);
      } else {
        insert.setInt(5, attempt.statusCode());
      }
      insert.setString(6, attempt.error());
      insert.setTimestamp(7, Timestamp.from(attempt.at()));
      insert.setString(8, attempt.jobId());
      insert.setString(9, attempt.event());
      if (attempt.duration() == null) {
        insert.setNull(10, Types.BIGINT);
      } else {
        insert.setLong(10, attempt.duration().toMillis());
      }
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("recording a delivery of " + attempt.notificationId() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<DeliveryAttempt> latest(String target, int limit) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement query = c.prepareStatement("""
             SELECT notification_id, attempt, outcome, status_code, error, at, job_id, event, duration_ms
             FROM notification_deliveries WHERE target = ?
             ORDER BY at DESC, notification_id DESC, attempt DESC LIMIT ?""")) {
      query.setString(1, target);
      query.setInt(2, limit);
      List<DeliveryAttempt> attempts = new ArrayList<>();
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          int status = row.getInt("status_code");
          Integer statusCode = row.wasNull() ? null : status;
          long millis = row.getLong("duration_ms");
          Duration duration = row.wasNull() ? null : Duration.ofMillis(millis);
          attempts.add(new DeliveryAttempt(row.getString("notification_id"), target, row.getInt("attempt"),
              Outcome.valueOf(row.getString("outcome").toUpperCase(Locale.ROOT)), statusCode, row.getString("error"),
              row.getTimestamp("at").toInstant(), row.getString("job_id"), row.getString("event"), duration));
        }
      }
      return attempts;
    } catch (SQLException e) {
      throw new IllegalStateException("reading the deliveries to " + target + " failed: " + e.getMessage(), e);
    }
  }

  private static String wireName(Outcome outcome) {
    return outcome.name().toLowerCase(Locale.ROOT);
  }
}
