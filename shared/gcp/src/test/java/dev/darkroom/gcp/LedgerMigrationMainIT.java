package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deploy's migration step (cloudbuild.yaml, migrate-ledger) as a process: it migrates an empty
 * database, finds nothing to do the second time, and fails on a configuration it cannot use.
 */
class LedgerMigrationMainIT {

  @Test
  void migratesAnEmptyLedgerOnceAndThenFindsItCurrent() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      Map<String, String> env = Map.of("DATABASE_URL", postgres.getJdbcUrl("postgres", "postgres"), "DB_USER", "postgres");

      assertThat(migrate(env)).isZero();
      try (Connection connection = postgres.getPostgresDatabase().getConnection();
          ResultSet tables = connection.getMetaData().getTables(null, "public", "jobs", null)) {
        assertThat(tables.next()).as("the jobs table exists").isTrue();
      }
      assertThat(migrate(env)).isZero();
    }
  }

  @Test
  void exitsWithOneWhenNoDatabaseIsConfigured() throws Exception {
    assertThat(migrate(Map.of())).isEqualTo(1);
  }

  private static int migrate(Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LedgerMigrationMain.class.getName()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().keySet().removeIf(name -> name.equals("DATABASE_URL") || name.equals("INSTANCE_CONNECTION_NAME"));
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the migration finished").isTrue();
    return process.exitValue();
  }
}
