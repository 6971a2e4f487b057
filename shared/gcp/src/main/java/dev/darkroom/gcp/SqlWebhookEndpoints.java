package dev.darkroom.gcp;

import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.WebhookEndpoints;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  /** Drops a rotated-out secret once it expired (now() of the database: one clock for every instance). */
  @Override
  public List<WebhookEndpoint> forUser(String userId) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement query = c.prepareStatement("""
             SELECT id, url, job_id, created_at,
                    CASE WHEN previous_secret_expires_at IS NOT NULL AND previous_secret_expires_at <= now()
                         THEN secrets[1:1] ELSE secrets END AS secrets
             FROM webhook_endpoints WHERE user_id = ? AND NOT disabled ORDER BY created_at, id""")) {
      query.setString(1, userId);
      List<WebhookEndpoint> endpoints = new ArrayList<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          endpoints.add(endpoint(rows, userId));
        }
      }
      return endpoints;
    } catch (SQLException e) {
      throw new IllegalStateException("reading the webhook endpoints of " + userId + " failed: " + e.getMessage(), e);
    }
  }

  private WebhookEndpoint endpoint(ResultSet row, String userId) throws SQLException {
    String id = row.getString("id");
    List<String> secrets = new ArrayList<>();
    for (String sealed : (String[]) row.getArray("secrets").getArray()) {
      secrets.add(sealer.open(sealed, id));
    }
    return new WebhookEndpoint(id, userId, row.getString("url"), secrets, row.getString("job_id"),
        row.getTimestamp("created_at").toInstant());
  }

  @Override
  public void add(WebhookEndpoint endpoint) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement insert = c.prepareStatement(
             "INSERT INTO webhook_endpoints (id, user_id, url, secrets, job_id, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, endpoint.id());
      insert.setString(2, endpoint.userId());
      insert.setString(3, endpoint.url());
      insert.setArray(4, c.createArrayOf("text",
          endpoint.secrets().stream().map(secret -> sealer.seal(secret, endpoint.id())).toArray()));
      insert.setString(5, endpoint.jobId());
      insert.setTimestamp(6, Timestamp.from(endpoint.createdAt() == null ? Instant.now() : endpoint.createdAt()));
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("registering webhook endpoint " + endpoint.id() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean delete(String userId, String endpointId) {
    return Sql.update(dataSource, "deleting webhook endpoint " + endpointId,
        "DELETE FROM webhook_endpoints WHERE id = ? AND user_id = ?", endpointId, userId) == 1;
  }

  /** The new secret first, then the current one (secrets[1]) until it expires; older ones are dropped. */
  @Override
  public Optional<WebhookEndpoint> rotate(String userId, String endpointId, String newSecret,
                                          Instant previousExpiresAt) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement update = c.prepareStatement("""
             UPDATE webhook_endpoints SET secrets = ARRAY[?, secrets[1]], previous_secret_expires_at = ?
             WHERE id = ? AND user_id = ? AND NOT disabled
             RETURNING id, url, job_id, created_at, secrets""")) {
      update.setString(1, sealer.seal(newSecret, endpointId));
      update.setTimestamp(2, Timestamp.from(previousExpiresAt));
      update.setString(3, endpointId);
      update.setString(4, userId);
      try (ResultSet row = update.executeQuery()) {
        return row.next() ? Optional.of(endpoint(row, userId)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("rotating the secret of " + endpointId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void disable(String endpointId) {
    Sql.update(dataSource, "disabling webhook endpoint " + endpointId,
        "UPDATE webhook_endpoints SET disabled = true WHERE id = ?", endpointId);
  }
}
