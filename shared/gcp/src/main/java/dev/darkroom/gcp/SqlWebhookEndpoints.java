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

/** {@link WebhookEndpoints} in PostgreSQL (Cloud SQL), table {@code webhook_endpoints}. */
public final class SqlWebhookEndpoints implements WebhookEndpoints {
  private final DataSource dataSource;

  public SqlWebhookEndpoints(DataSource dataSource) {
    this.dataSource = dataSource;
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
          endpoints.add(new WebhookEndpoint(rows.getString("id"), userId, rows.getString("url"),
              List.of((String[]) rows.getArray("secrets").getArray())));
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
      insert.setArray(4, c.createArrayOf("text", endpoint.secrets().toArray()));
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("registering webhook endpoint " + endpoint.id() + " failed: " + e.getMessage(), e);
    }
  }
}
