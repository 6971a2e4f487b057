package dev.darkroom.gcp;

import dev.darkroom.core.auth.StoredApiKey;
import dev.darkroom.core.port.ApiKeyStore;
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

/** {@link ApiKeyStore} in PostgreSQL (Cloud SQL), table {@code api_keys}. */
public final class SqlApiKeyStore implements ApiKeyStore {
  private static final String COLUMNS =
      "key_id, user_id, name, tier, salt, hash, created_at, last_used_at, revoked_at";
  /** PostgreSQL's SQLSTATE for unique_violation. */
  private static final String UNIQUE_VIOLATION = "23505";

  private final DataSource dataSource;

  public SqlApiKeyStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public void insert(StoredApiKey key) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement insert = c.prepareStatement(
             "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      Sql.bind(insert, key.keyId(), key.userId(), key.name(), key.tier(), key.salt(), key.hash(), key.createdAt(),
          key.lastUsedAt(), key.revokedAt());
      insert.executeUpdate();
    } catch (SQLException e) {
      // key_id is the table's only unique column, so a unique violation is this id stored before.
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new ApiKeyStore.DuplicateKeyIdException(key.keyId());
      }
      throw new IllegalStateException("storing API key " + key.prefix() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<StoredApiKey> find(String keyId) {
    List<StoredApiKey> found = query("reading API key drk_" + keyId,
        "SELECT " + COLUMNS + " FROM api_keys WHERE key_id = ?", keyId);
    return found.stream().findFirst();
  }

  @Override
  public List<StoredApiKey> list(String userId, int limit) {
    return query("listing the API keys of " + userId,
        "SELECT " + COLUMNS + " FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, key_id LIMIT ?", userId, limit);
  }

  @Override
  public int countActive(String userId) {
    try (Connection c = dataSource.getConnection();
         PreparedStatement count = c.prepareStatement(
             "SELECT count(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL")) {
      count.setString(1, userId);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("counting the API keys of " + userId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean revoke(String userId, String keyId, Instant at) {
    return Sql.update(dataSource, "revoking API key drk_" + keyId,
        "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE key_id = ? AND user_id = ?",
        at, keyId, userId) == 1;
  }

  @Override
  public void touch(String keyId, Instant at) {
    Sql.update(dataSource, "recording a use of API key drk_" + keyId,
        "UPDATE api_keys SET last_used_at = ? WHERE key_id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
        at, keyId, at);
  }

  private List<StoredApiKey> query(String what, String sql, Object... parameters) {
    try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(sql)) {
      Sql.bind(query, parameters);
      List<StoredApiKey> keys = new ArrayList<>();
      try (ResultSet row = query.executeQuery()) {
        while (row.next()) {
          keys.add(new StoredApiKey(row.getString("key_id"), row.getString("user_id"), row.getString("name"),
              row.getString("tier"), row.getBytes("salt"), row.getBytes("hash"), instant(row, "created_at"),
              instant(row, "last_used_at"), instant(row, "revoked_at")));
        }
      }
      return keys;
    } catch (SQLException e) {
      throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
    }
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    Timestamp at = row.getTimestamp(column);
    return at == null ? null : at.toInstant();
  }
}
