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
             INSERT INTO notification_deliveries (notification_id, target, attempt, outcome, status_code, error, at)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
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
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("recording a delivery of " + attempt.notificationId() + " failed: " + e.getMessage(), e);
    }
  }

  private static String wireName(Outcome outcome) {
    return outcome.name().toLowerCase(Locale.ROOT);
  }
}
