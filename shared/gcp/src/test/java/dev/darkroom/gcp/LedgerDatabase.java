package dev.darkroom.gcp;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.Map;

/**
 * An embedded PostgreSQL reached the way the cloud reaches Cloud SQL (the same environment
 * variables, {@link SqlLedger#dataSource}) and migrated by Flyway: for the SQL adapters' tests.
 */
final class LedgerDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  final HikariDataSource pool;

  private LedgerDatabase(EmbeddedPostgres postgres, HikariDataSource pool) {
    this.postgres = postgres;
    this.pool = pool;
  }

  static LedgerDatabase start() throws IOException {
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
    HikariDataSource pool = SqlLedger.dataSource(DatabaseConfig.from(new Env(Map.of(
        "DATABASE_URL", postgres.getJdbcUrl("postgres", "postgres"), "DB_USER", "postgres"))));
    SqlLedger.migrate(pool);
    return new LedgerDatabase(postgres, pool);
  }

  @Override
  public void close() throws IOException {
    pool.close();
    postgres.close();
  }
}
