package dev.darkroom.gcp;

import dev.darkroom.core.port.EmailRecipients;
import dev.darkroom.core.port.WebhookEndpoints;
import dev.darkroom.testing.EmailRecipientsContract;
import dev.darkroom.testing.WebhookEndpointsContract;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** Webhook endpoints and email opt-ins pass the in-memory fakes' contracts on real PostgreSQL migrated by Flyway. */
class SqlNotifyStoresIT {
  private static final SecretSealer SEALER =
      new SecretSealer("a webhook secrets key of at least 32 bytes".getBytes(StandardCharsets.UTF_8));
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
  class Endpoints extends WebhookEndpointsContract {
    @Override
    protected WebhookEndpoints endpoints() {
      return new SqlWebhookEndpoints(database.pool, SEALER);
    }
  }

  @Nested
  class Recipients extends EmailRecipientsContract {
    @Override
    protected EmailRecipients recipients() {
      return new SqlEmailRecipients(database.pool);
    }
  }
}
