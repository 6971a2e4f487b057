package dev.darkroom.gcp;

/**
 * The ledger's database: through the Cloud SQL socket factory when {@code INSTANCE_CONNECTION_NAME}
 * is set (with {@code DB_NAME}, {@code DB_USER}, and {@code DB_PASSWORD} or else IAM
 * authentication), otherwise a plain {@code DATABASE_URL} (jdbc:postgresql://…, the local stack's);
 * a pool of {@code DB_POOL_SIZE} (default 4) connections.
 *
 * @param cloudSqlInstance the instance connection name; null for a plain JDBC URL
 * @param password null for IAM authentication (Cloud SQL) or a URL that carries none
 */
public record DatabaseConfig(String jdbcUrl, String user, String password, String cloudSqlInstance, int poolSize) {
  // A function instance serves few concurrent requests; Cloud SQL connections are scarce.
  static final int DEFAULT_POOL_SIZE = 4;

  public static DatabaseConfig from(Env env) {
    int pool = env.intOrDefault("DB_POOL_SIZE", DEFAULT_POOL_SIZE);
    if (pool < 1) {
      throw new Env.MissingConfigException("DB_POOL_SIZE must be at least 1: " + pool);
    }
    String password = env.optional("DB_PASSWORD").orElse(null);
    if (env.optional("INSTANCE_CONNECTION_NAME").isPresent()) {
      return new DatabaseConfig("jdbc:postgresql:///" + env.require("DB_NAME", "the ledger database name"),
          env.require("DB_USER", "the ledger database user"), password,
          env.require("INSTANCE_CONNECTION_NAME", "Cloud SQL"), pool);
    }
    return new DatabaseConfig(env.require("DATABASE_URL",
        "a jdbc:postgresql:// URL; or set INSTANCE_CONNECTION_NAME for Cloud SQL"),
        env.optional("DB_USER").orElse(null), password, null, pool);
  }

  /** Never the password: configurations are logged. */
  @Override
  public String toString() {
    return "DatabaseConfig[" + (cloudSqlInstance == null ? jdbcUrl : "Cloud SQL " + cloudSqlInstance)
        + ", user " + user + ", pool " + poolSize + "]";
  }
}
