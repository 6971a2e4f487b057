package dev.darkroom.gcp;

import dev.darkroom.core.port.EmailRecipients;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link EmailRecipients} in PostgreSQL (Cloud SQL), table {@code email_recipients}. */
public final class SqlEmailRecipients implements EmailRecipients {
  private final DataSource dataSource;

  public SqlEmailRecipients(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Optional<String> addressOf(String userId) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement query = c.prepareStatement("SELECT address FROM email_recipients WHERE user_id = ?")) {
      query.setString(1, userId);
      try (ResultSet row = query.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading the email address of " + userId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void optIn(String userId, String address) {
    Sql.update(dataSource, "storing the email address of " + userId, """
        INSERT INTO email_recipients (user_id, address) VALUES (?, ?)
        ON CONFLICT (user_id) DO UPDATE SET address = EXCLUDED.address, updated_at = now()""", userId, address);
  }

  @Override
  public boolean optOut(String userId) {
    return Sql.update(dataSource, "forgetting the email address of " + userId,
        "DELETE FROM email_recipients WHERE user_id = ?", userId) == 1;
  }
}
