package dev.darkroom.gcp;

import dev.darkroom.core.port.ApiKeyStore;
import dev.darkroom.core.port.RateCounter;
import dev.darkroom.testing.ApiKeyStoreContract;
import dev.darkroom.testing.RateCounterContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** API keys and rate counters pass the in-memory fakes' contracts on real PostgreSQL migrated by Flyway. */
class SqlAccessStoresIT {
  private static LedgerDatabase database;

  @BeforeAll
  static void start() throws Exception {
    database = LedgerDatabase.start();
  }

  @AfterAll
  static void stop() throws Exception {
    database.close();
  }

  @Nested
  class ApiKeys extends ApiKeyStoreContract {
    @Override
    protected ApiKeyStore store() {
      return new SqlApiKeyStore(database.pool);
    }
  }

  @Nested
  class Rates extends RateCounterContract {
    @Override
    protected RateCounter counter() {
      return new SqlRateCounter(database.pool);
    }
  }
}
