package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.DeliveryLog;
import dev.darkroom.testing.DeliveryLogContract;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The delivery log, the webhook endpoints and email opt-ins on real PostgreSQL, migrated by Flyway (V2, V4). */
class SqlDeliveryLogIT extends DeliveryLogContract {
  private static final SecretSealer SEALER =
      new SecretSealer("a webhook secrets key of at least 32 bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  private static LedgerDatabase database;
  private static com.zaxxer.hikari.HikariDataSource pool;

  @BeforeAll
  static void start() throws Exception {
    database = LedgerDatabase.start();
    pool = database.pool;
  }

  @AfterAll
  static void stop() throws Exception {
    database.close();
  }

  @Override
  protected DeliveryLog log() {
    return new SqlDeliveryLog(pool);
  }

  @Test
  void endpointsAreTheUsersEnabledOnesWithEverySecretOfARotation() throws Exception {
    SqlWebhookEndpoints endpoints = new SqlWebhookEndpoints(pool, SEALER);
    endpoints.add(new WebhookEndpoint("ep-a", "carol", "https://a.example.com/", List.of("whsec_AAAA", "whsec_BBBB")));
    endpoints.add(new WebhookEndpoint("ep-off", "carol", "https://off.example.com/", List.of("whsec_CCCC")));
    endpoints.add(new WebhookEndpoint("ep-dave", "dave", "https://d.example.com/", List.of("whsec_DDDD")));
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE webhook_endpoints SET disabled = true WHERE id = 'ep-off'");
    }
    assertThat(endpoints.forUser("carol")).singleElement().satisfies(e -> {
      assertThat(e.id()).isEqualTo("ep-a");
      assertThat(e.url()).isEqualTo("https://a.example.com/");
      assertThat(e.secrets()).containsExactly("whsec_AAAA", "whsec_BBBB");
      assertThat(e.jobId()).isNull();
      assertThat(e.createdAt()).isNotNull();
    });
  }

  @Test
  void jobScopedEndpointsRotationWithExpiryDeletionAndDisabling() throws Exception {
    SqlWebhookEndpoints endpoints = new SqlWebhookEndpoints(pool, SEALER);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    endpoints.add(new WebhookEndpoint("ep-g1", "gina", "https://g.example.com/1", List.of("whsec_OLD1"), null, now));
    endpoints.add(new WebhookEndpoint("ep-g2", "gina", "https://g.example.com/2", List.of("whsec_OLD2"), "job-9", now));
    assertThat(endpoints.forUser("gina")).extracting(WebhookEndpoint::jobId).containsExactly(null, "job-9");

    // Rotation: new first, old kept until it expires (one already expired here, one not).
    assertThat(endpoints.rotate("gina", "ep-g1", "whsec_NEW1", now.plus(Duration.ofHours(24))).orElseThrow().secrets())
        .containsExactly("whsec_NEW1", "whsec_OLD1");
    endpoints.rotate("gina", "ep-g2", "whsec_NEW2", now.minusSeconds(1));
    assertThat(endpoints.forUser("gina")).extracting(WebhookEndpoint::secrets)
        .containsExactly(List.of("whsec_NEW1", "whsec_OLD1"), List.of("whsec_NEW2"));
    assertThat(endpoints.rotate("hank", "ep-g1", "whsec_X", now)).isEmpty();

    assertThat(endpoints.delete("hank", "ep-g1")).isFalse();
    assertThat(endpoints.delete("gina", "ep-g1")).isTrue();
    endpoints.disable("ep-g2");
    assertThat(endpoints.forUser("gina")).isEmpty();
  }

  @Test
  void emailOptInIsOneAddressPerUser() {
    SqlEmailRecipients email = new SqlEmailRecipients(pool);
    assertThat(email.addressOf("ivy")).isEmpty();
    email.optIn("ivy", "ivy@example.com");
    email.optIn("ivy", "ivy@example.org");
    assertThat(email.addressOf("ivy")).contains("ivy@example.org");
    assertThat(email.optOut("ivy")).isTrue();
    assertThat(email.optOut("ivy")).isFalse();
    assertThat(email.addressOf("ivy")).isEmpty();
  }

  @Test
  void signingSecretsAreStoredSealedAndOpenOnlyWithTheKeyForTheirOwnEndpoint() throws Exception {
    SqlWebhookEndpoints endpoints = new SqlWebhookEndpoints(pool, SEALER);
    endpoints.add(new WebhookEndpoint("ep-erin", "erin", "https://e.example.com/", List.of("whsec_SECRETSECRET")));
    endpoints.add(new WebhookEndpoint("ep-frank", "frank", "https://f.example.com/", List.of("whsec_FRANKFRANK")));
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
         java.sql.ResultSet row = s.executeQuery("SELECT secrets::text FROM webhook_endpoints WHERE id = 'ep-erin'")) {
      row.next();
      assertThat(row.getString(1)).startsWith("{v1:").doesNotContain("SECRETSECRET").doesNotContain("whsec_");
    }
    SqlWebhookEndpoints otherKey = new SqlWebhookEndpoints(pool, new SecretSealer(new byte[32]));
    assertThatThrownBy(() -> otherKey.forUser("erin")).hasMessageContaining("ep-erin").hasMessageNotContaining("SECRET");
    // A sealed secret moved to another endpoint's row does not open there.
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE webhook_endpoints SET secrets = (SELECT secrets FROM webhook_endpoints WHERE id = 'ep-erin')"
          + " WHERE id = 'ep-frank'");
    }
    assertThatThrownBy(() -> endpoints.forUser("frank")).hasMessageContaining("ep-frank");
    assertThat(endpoints.forUser("erin").get(0).secrets()).containsExactly("whsec_SECRETSECRET");
  }
}
