package dev.darkroom.gcp;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the ledger's schema up to date, once per deploy (cloudbuild.yaml's {@code migrate-ledger}
 * step, before the new code is applied) and once per start of the local stack; the deployables
 * never migrate, so that no cold start pays for Flyway. Reads the database as the deployables do
 * ({@link DatabaseConfig}: {@code INSTANCE_CONNECTION_NAME}, {@code DB_NAME}, {@code DB_USER},
 * {@code DB_PASSWORD}, or {@code DATABASE_URL}). Exits 0 when the schema is current, 1 otherwise.
 */
public final class LedgerMigrationMain {
  private static final Logger log = LoggerFactory.getLogger(LedgerMigrationMain.class);

  private LedgerMigrationMain() {}

  public static void main(String[] args) {
    DatabaseConfig database;
    try {
      database = DatabaseConfig.from(Env.system());
    } catch (Env.MissingConfigException e) {
      log.error("cannot migrate the ledger: {}", e.getMessage());
      System.exit(1);
      return;
    }
    try (HikariDataSource dataSource = SqlLedger.dataSource(database)) {
      SqlLedger.migrate(dataSource);
      log.info("the ledger's schema is up to date ({})", database);
    } catch (RuntimeException e) {
      log.error("migrating the ledger failed ({})", database, e);
      System.exit(1);
    }
  }
}
