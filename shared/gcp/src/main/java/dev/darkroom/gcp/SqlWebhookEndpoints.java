package dev.darkroom.gcp;

import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.WebhookEndpoints;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link WebhookEndpoints} in PostgreSQL (Cloud SQL), table {@code webhook_endpoints}. The signing
 * secrets are stored sealed ({@link SecretSealer}, bound to the endpoint's id), never in clear.
 */
public final class SqlWebhookEndpoints implements WebhookEndpoints {
  private final DataSource dataSource;
  private final SecretSealer sealer;

  public SqlWebhookEndpoints(DataSource dataSource, SecretSealer sealer) {
    this.dataSource = dataSource;
    this.sealer = sealer;
  }

  @Override
  public List<WebhookEndpoint> forUser(String userId) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement query = c.prepareStatement(
             "SELECT id, url, secrets FROM webhook_endpoints WHERE user_id = ? AND NOT disabled ORDER BY created_at, id")) {
      query.setString(1, userId);
      List<WebhookEndpoint> endpoints = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          String id = rows.getString("id");
          List<String> secrets = new ArrayList<>();
          for (String sealed : (String[]) rows.getArray("secrets").getArray()) {
            secrets.add(sealer.open(sealed, id));
          }
          endpoints.add(new WebhookEndpoint(id, userId, rows.getString("url"), secrets));
        }
      }
      return endpoints;
    } catch (SQLException e) {
      throw new IllegalStateException("reading the webhook endpoints of " + userId + " failed: " + e.getMessage(), e);
    }
  }

  /** Registers an endpoint (the registration API is still to come; tests and tools use this). */
  public void add(WebhookEndpoint endpoint) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement insert = c.prepareStatement(
             "INSERT INTO webhook_endpoints (id, user_id, url, secrets) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, endpoint.id());
      insert.setString(2, endpoint.userId());
      insert.setString(3, endpoint.url());
      insert.setArray(4, c.createArrayOf("text",
          endpoint.secrets().stream().map(secret -> sealer.seal(secret, endpoint.id())).toArray()));
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("registering webhook endpoint " + endpoint.id() + " failed: " + e.getMessage(), e);
    }
  }
}
