package dev.darkroom.gcp;

import dev.darkroom.core.port.PendingNotifications;
import dev.darkroom.testing.PendingNotificationsContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The retry schedule of notifications on real PostgreSQL, migrated by Flyway (V4). */
class SqlPendingNotificationsIT extends PendingNotificationsContract {
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
  protected PendingNotifications pending() {
    return new SqlPendingNotifications(database.pool);
  }
}
