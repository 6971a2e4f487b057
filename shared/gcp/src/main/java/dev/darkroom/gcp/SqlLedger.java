package dev.darkroom.gcp;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.ArrivalHistory;
import dev.darkroom.core.port.Ledger;
import dev.darkroom.core.port.Usage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * {@link Ledger} on PostgreSQL (Cloud SQL in the cloud): one row per job, one per output. An
 * upsert only wins when it is at least as far along as the row ({@link Job#progressKey}), so
 * redelivered and reordered writes never move the record backwards. {@code gpu_seconds} is the GPU
 * time of every attempt of the job ({@link Job#billedGpuSeconds}): lost and handed-back attempts
 * are billed with the attempt after them, and {@link #gpuSecondsSince} sums it.
 */
public final class SqlLedger implements Ledger, Usage, ArrivalHistory {
  private static final String UPSERT_JOB = """
      INSERT INTO jobs (id, user_id, status, number, attempt, last_sequence, status_rank,
                        execution_name, error_type, error_message, gpu_seconds, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET
        status = EXCLUDED.status, attempt = EXCLUDED.attempt, last_sequence = EXCLUDED.last_sequence,
        status_rank = EXCLUDED.status_rank, execution_name = EXCLUDED.execution_name,
        error_type = EXCLUDED.error_type, error_message = EXCLUDED.error_message,
        gpu_seconds = EXCLUDED.gpu_seconds, updated_at = EXCLUDED.updated_at
      WHERE (jobs.attempt, jobs.last_sequence, jobs.status_rank)
            <= (EXCLUDED.attempt, EXCLUDED.last_sequence, EXCLUDED.status_rank)
      """;
  private static final String UPSERT_OUTPUT = """
      INSERT INTO job_outputs (job_id, object_name, node_id, kind, filename, subfolder, type,
                               content_type, size_bytes, sha256)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (job_id, object_name) DO UPDATE SET
        content_type = EXCLUDED.content_type, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256
      """;

  private final DataSource dataSource;

  public SqlLedger(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public double gpuSecondsSince(String userId, java.time.Instant since) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement sum = c.prepareStatement(
             "SELECT COALESCE(sum(gpu_seconds), 0) FROM jobs WHERE user_id = ? AND created_at >= ?")) {
      Sql.bind(sum, userId, since);
      try (java.sql.ResultSet row = sum.executeQuery()) {
        row.next();
        return row.getDouble(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("summing the GPU-seconds of " + userId + " failed: " + e.getMessage(), e);
    }
  }

  /** One scan of the window, grouped by minute; {@link MinuteCounts#filling} fills the quiet minutes in. */
  @Override
  public java.util.Optional<MinuteCounts> createdPerMinute(java.time.Instant from, java.time.Instant until) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement perMinute = c.prepareStatement("SELECT date_trunc('minute', created_at), count(*) FROM jobs"
             + " WHERE created_at >= ? AND created_at < ? GROUP BY 1")) {
      Sql.bind(perMinute, from, until);
      java.util.Map<java.time.Instant, Long> byMinute = new java.util.HashMap<>();
      try (java.sql.ResultSet rows = perMinute.executeQuery()) {
        while (rows.next()) {
          byMinute.put(rows.getTimestamp(1).toInstant(), rows.getLong(2));
        }
      }
      return MinuteCounts.filling(byMinute, until);
    } catch (SQLException e) {
      throw new IllegalStateException("counting the jobs created per minute since " + from + " failed: "
          + e.getMessage(), e);
    }
  }

  @Override
  public double meanSucceededGpuSeconds(java.time.Instant from, java.time.Instant until) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement mean = c.prepareStatement("SELECT COALESCE(avg(gpu_seconds), 0) FROM jobs"
             + " WHERE status = ? AND created_at >= ? AND created_at < ?")) {
      Sql.bind(mean, JobStatus.SUCCEEDED.wireName(), from, until);
      try (java.sql.ResultSet row = mean.executeQuery()) {
        row.next();
        return row.getDouble(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("averaging the GPU-seconds of succeeded jobs since " + from + " failed: "
          + e.getMessage(), e);
    }
  }

  /** Brings the schema up to date (Flyway; safe to run from several instances at once). */
  public static void migrate(DataSource dataSource) {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
  }

  /** A small pool as {@link DatabaseConfig} says: the Cloud SQL socket factory or a plain JDBC URL. */
  public static HikariDataSource dataSource(DatabaseConfig database) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("ledger");
    config.setMaximumPoolSize(database.poolSize());
    config.setMinimumIdle(0);
    config.setConnectionTimeout(10_000);
    config.setJdbcUrl(database.jdbcUrl());
    if (database.user() != null) {
      config.setUsername(database.user());
    }
    if (database.password() != null) {
      config.setPassword(database.password());
    }
    if (database.cloudSqlInstance() != null) {
      config.addDataSourceProperty("socketFactory", "com.google.cloud.sql.postgres.SocketFactory");
      config.addDataSourceProperty("cloudSqlInstance", database.cloudSqlInstance());
      if (database.password() == null) {
        config.addDataSourceProperty("enableIamAuth", "true");
      }
    }
    return new HikariDataSource(config);
  }

  @Override
  public void record(Job job) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement upsert = connection.prepareStatement(UPSERT_JOB)) {
        long[] key = job.progressKey();
        int i = 1;
        upsert.setString(i++, job.id());
        upsert.setString(i++, job.userId());
        upsert.setString(i++, job.status().wireName());
        upsert.setDouble(i++, job.number());
        upsert.setLong(i++, key[0]);
        upsert.setLong(i++, key[1]);
        upsert.setLong(i++, key[2]);
        upsert.setString(i++, job.executionName());
        upsert.setString(i++, job.error() == null ? null : job.error().type());
        upsert.setString(i++, job.error() == null ? null : job.error().message());
        upsert.setDouble(i++, job.billedGpuSeconds());
        upsert.setTimestamp(i++, Timestamp.from(job.createdAt()));
        upsert.setTimestamp(i, Timestamp.from(job.updatedAt()));
        if (upsert.executeUpdate() == 1) {
          writeOutputs(connection, job);
        }
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("ledger write for job " + job.id() + " failed: " + e.getMessage(), e);
    }
  }

  private static void writeOutputs(Connection connection, Job job) throws SQLException {
    if (job.outputs().isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement(UPSERT_OUTPUT)) {
      for (JobOutput o : job.outputs()) {
        int i = 1;
        insert.setString(i++, job.id());
        insert.setString(i++, o.objectName());
        insert.setString(i++, o.nodeId());
        insert.setString(i++, o.kind());
        insert.setString(i++, o.filename());
        insert.setString(i++, o.subfolder());
        insert.setString(i++, o.type());
        insert.setString(i++, o.contentType());
        insert.setLong(i++, o.size());
        if (o.sha256() == null) {
          insert.setNull(i, Types.VARCHAR);
        } else {
          insert.setString(i, o.sha256());
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
