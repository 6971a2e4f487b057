package dev.darkroom.gcp;

import dev.darkroom.core.port.RateCounter;
import dev.darkroom.testing.RateCounterContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract as the in-memory fake, on real PostgreSQL migrated by Flyway. */
class SqlRateCounterIT extends RateCounterContract {
  private static LedgerDatabase database;

  @BeforeAll
  static void start() throws Exception {
    database = LedgerDatabase.start();
  }

  @AfterAll
  static void stop() throws Exception {
    database.close();
  }

  @Override
  protected RateCounter counter() {
    return new SqlRateCounter(database.pool);
  }
}
