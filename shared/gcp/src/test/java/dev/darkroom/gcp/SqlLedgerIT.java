package dev.darkroom.gcp;

import dev.darkroom.core.port.Ledger;
import dev.darkroom.testing.LedgerContract;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The SQL ledger passes the same contract as the in-memory fake, on real PostgreSQL migrated by
 * Flyway, connected through the same environment variables as in the cloud.
 */
class SqlLedgerIT extends LedgerContract {
  private static LedgerDatabase database;
  private static com.zaxxer.hikari.HikariDataSource pool;

  @BeforeAll
  static void start() throws Exception {
    database = LedgerDatabase.start();
    pool = database.pool;
    SqlLedger.migrate(pool); // a second instance starting later finds nothing to do
  }

  @AfterAll
  static void stop() throws Exception {
    database.close();
  }

  @Override
  protected Ledger ledger() {
    return new SqlLedger(pool);
  }

  @Override
  protected dev.darkroom.core.port.Usage usage() {
    return new SqlLedger(pool);
  }

  @Override
  protected dev.darkroom.core.port.ArrivalHistory arrivalHistory() {
    return new SqlLedger(pool);
  }

  @Override
  protected Optional<Recorded> recorded(String jobId) {
    DataSource db = pool;
    try (Connection c = db.getConnection();
         PreparedStatement job = c.prepareStatement("SELECT status, user_id, attempt, gpu_seconds, error_type FROM jobs WHERE id = ?");
         PreparedStatement outputs = c.prepareStatement("SELECT object_name FROM job_outputs WHERE job_id = ?")) {
      job.setString(1, jobId);
      outputs.setString(1, jobId);
      try (ResultSet row = job.executeQuery(); ResultSet out = outputs.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        List<String> objects = new ArrayList<>();
        while (out.next()) {
          objects.add(out.getString(1));
        }
        return Optional.of(new Recorded(row.getString("status"), row.getString("user_id"), row.getInt("attempt"),
            row.getDouble("gpu_seconds"), row.getString("error_type"), objects));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
