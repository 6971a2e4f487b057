package dev.darkroom.gcp;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.event.Messages;
import dev.darkroom.core.port.PendingNotifications;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link PendingNotifications} in PostgreSQL (Cloud SQL), table {@code pending_notifications}. The
 * claim is one statement (insert, or update only if due), so two runs of the same notification
 * cannot both take it; the sweep's take uses {@code FOR UPDATE SKIP LOCKED} so two sweeps do not
 * republish the same row.
 */
public final class SqlPendingNotifications implements PendingNotifications {
  private final DataSource dataSource;

  public SqlPendingNotifications(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public boolean claim(JobNotification notification, Instant now, Duration lease) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement claim = c.prepareStatement("""
             INSERT INTO pending_notifications (notification_id, payload, next_attempt_at) VALUES (?, ?, ?)
             ON CONFLICT (notification_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at
             WHERE pending_notifications.next_attempt_at <= ?""")) {
      claim.setString(1, notification.id());
      claim.setString(2, new String(Messages.encode(notification), StandardCharsets.UTF_8));
      claim.setTimestamp(3, Timestamp.from(now.plus(lease)));
      claim.setTimestamp(4, Timestamp.from(now));
      return claim.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failed("claiming notification " + notification.id(), e);
    }
  }

  @Override
  public void retryAt(String notificationId, Instant next) {
    Sql.update(dataSource, "scheduling notification " + notificationId,
        "UPDATE pending_notifications SET next_attempt_at = ?, republished_at = NULL WHERE notification_id = ?",
        next, notificationId);
  }

  @Override
  public void finish(String notificationId) {
    Sql.update(dataSource, "finishing notification " + notificationId,
        "DELETE FROM pending_notifications WHERE notification_id = ?", notificationId);
  }

  @Override
  public List<JobNotification> takeDue(Instant now, Duration guard, int limit) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement take = c.prepareStatement("""
             UPDATE pending_notifications SET republished_at = ? WHERE notification_id IN (
               SELECT notification_id FROM pending_notifications
               WHERE next_attempt_at <= ? AND (republished_at IS NULL OR republished_at <= ?)
               ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED)
             RETURNING payload""")) {
      take.setTimestamp(1, Timestamp.from(now));
      take.setTimestamp(2, Timestamp.from(now));
      take.setTimestamp(3, Timestamp.from(now.minus(guard)));
      take.setInt(4, limit);
      List<JobNotification> due = new ArrayList<>();
      try (ResultSet rows = take.executeQuery()) {
        while (rows.next()) {
          due.add(Messages.decode(rows.getString(1).getBytes(StandardCharsets.UTF_8), JobNotification.class));
        }
      }
      return due;
    } catch (SQLException e) {
      throw failed("taking due notifications", e);
    }
  }

  private static IllegalStateException failed(String what, SQLException e) {
    return new IllegalStateException(what + " failed: " + e.getMessage(), e);
  }
}
