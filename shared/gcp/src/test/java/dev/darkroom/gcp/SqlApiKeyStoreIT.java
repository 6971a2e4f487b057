package dev.darkroom.gcp;

import dev.darkroom.core.port.ApiKeyStore;
import dev.darkroom.testing.ApiKeyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract as the in-memory fake, on real PostgreSQL migrated by Flyway. */
class SqlApiKeyStoreIT extends ApiKeyStoreContract {
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
  protected ApiKeyStore store() {
    return new SqlApiKeyStore(database.pool);
  }
}
