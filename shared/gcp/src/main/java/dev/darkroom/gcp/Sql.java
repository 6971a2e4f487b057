package dev.darkroom.gcp;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import javax.sql.DataSource;

/** The JDBC chores the SQL adapters share: binding plain values, one-statement updates. */
final class Sql {
  private Sql() {}

  /** Binds strings, numbers, byte arrays, instants (as timestamps) and nulls, in order. */
  static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      Object value = parameters[i];
      if (value instanceof Instant instant) {
        statement.setTimestamp(i + 1, Timestamp.from(instant));
      } else if (value == null) {
        statement.setNull(i + 1, Types.NULL);
      } else {
        statement.setObject(i + 1, value);
      }
    }
  }

  /** Runs one INSERT/UPDATE/DELETE; {@code what} names it in the exception if it fails. */
  static int update(DataSource dataSource, String what, String sql, Object... parameters) {
    try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
      bind(statement, parameters);
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
    }
  }
}
