package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared configuration records: what each reads, its defaults, and the variable a failure names. */
class ConfigsTest {
  private static final String PEPPER = "p".repeat(32);

  @Test
  void googleCloudNeedsTheProjectAndPointsAtEmulatorsOnlyWhenTheyAreSet() {
    GoogleCloudConfig cloud = GoogleCloudConfig.from(new Env(Map.of("GOOGLE_CLOUD_PROJECT", "p")));
    assertThat(cloud.projectId()).isEqualTo("p");
    assertThat(cloud.firestoreEmulator()).isEmpty();
    assertThat(cloud.firebaseAuthEmulated()).isFalse();
    assertThat(GoogleCloudConfig.from(new Env(Map.of("GOOGLE_CLOUD_PROJECT", "p",
        "PUBSUB_EMULATOR_HOST", "127.0.0.1:8085"))).pubSubEmulator()).hasValue("127.0.0.1:8085");
    assertThatThrownBy(() -> GoogleCloudConfig.from(new Env(Map.of())))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("GOOGLE_CLOUD_PROJECT");
  }

  @Test
  void theDatabaseIsCloudSqlWhenAnInstanceIsNamedElseAPlainUrlAndItsPasswordIsNeverPrinted() {
    DatabaseConfig cloudSql = DatabaseConfig.from(new Env(Map.of("INSTANCE_CONNECTION_NAME", "p:r:i",
        "DB_NAME", "ledger", "DB_USER", "fn", "DB_PASSWORD", "hunter2-secret")));
    assertThat(cloudSql.jdbcUrl()).isEqualTo("jdbc:postgresql:///ledger");
    assertThat(cloudSql.cloudSqlInstance()).isEqualTo("p:r:i");
    assertThat(cloudSql.poolSize()).isEqualTo(4);
    assertThat(cloudSql.toString()).doesNotContain("hunter2-secret");

    DatabaseConfig local = DatabaseConfig.from(new Env(Map.of("DATABASE_URL", "jdbc:postgresql://127.0.0.1/x",
        "DB_POOL_SIZE", "2")));
    assertThat(local.cloudSqlInstance()).isNull();
    assertThat(local.poolSize()).isEqualTo(2);

    assertThatThrownBy(() -> DatabaseConfig.from(new Env(Map.of())))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("DATABASE_URL");
    assertThatThrownBy(() -> DatabaseConfig.from(new Env(Map.of("INSTANCE_CONNECTION_NAME", "p:r:i", "DB_NAME", "l"))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("DB_USER");
  }

  @Test
  void keysWithoutACheckAreAcceptedUntilTheOperatorRefusesThem() {
    assertThat(ApiKeysConfig.from(new Env(Map.of("API_KEY_PEPPER", PEPPER))).acceptKeysWithoutCheck()).isTrue();
    assertThat(ApiKeysConfig.from(new Env(Map.of("API_KEY_PEPPER", PEPPER, "API_KEYS_WITHOUT_CHECK", "refuse")))
        .acceptKeysWithoutCheck()).isFalse();
    assertThatThrownBy(() -> ApiKeysConfig.from(new Env(Map.of("API_KEY_PEPPER", PEPPER, "API_KEYS_WITHOUT_CHECK", "no"))))
        .isInstanceOf(Env.MissingConfigException.class)
        .hasMessage("API_KEYS_WITHOUT_CHECK must be 'accept' or 'refuse', not 'no'");
  }

  @Test
  void authenticationOnNeedsThePepperOffDoesNotAndNothingElseIsAccepted() {
    AuthConfig on = AuthConfig.from(new Env(Map.of("DARKROOM_AUTH", "on", "API_KEY_PEPPER", PEPPER)));
    assertThat(on.required()).isTrue();
    assertThat(on.apiKeys().pepper()).hasSize(32);
    assertThat(on.toString()).doesNotContain(PEPPER);
    assertThatThrownBy(() -> AuthConfig.from(new Env(Map.of("DARKROOM_AUTH", "on", "API_KEY_PEPPER", "short"))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessage("API_KEY_PEPPER must be at least 32 bytes; it is 5");

    AuthConfig off = AuthConfig.from(new Env(Map.of("DARKROOM_AUTH", "off", "DEFAULT_TIER", "pro")));
    assertThat(off.required()).isFalse();
    assertThat(off.defaultTier()).isEqualTo("pro");
    assertThat(off.apiKeys()).isNull();

    assertThatThrownBy(() -> AuthConfig.from(new Env(Map.of("DARKROOM_AUTH", "maybe"))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessage("DARKROOM_AUTH must be 'on' or 'off', not 'maybe'");
    assertThatThrownBy(() -> AuthConfig.from(new Env(Map.of())))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("DARKROOM_AUTH");
  }

  /** Issue 19: an emulator host with authentication on would trust the emulator's unsigned tokens, or talk to a fake. */
  @Test
  void authenticationOnRefusesToStartWithAnyEmulatorHostUnlessTheLocalStackSaysSo() {
    for (String emulator : java.util.List.of("FIRESTORE_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST", "STORAGE_EMULATOR_HOST",
        "CLOUD_RUN_EMULATOR_HOST", "FIREBASE_AUTH_EMULATOR_HOST")) {
      Map<String, String> deployed = Map.of("DARKROOM_AUTH", "on", "API_KEY_PEPPER", PEPPER, emulator, "127.0.0.1:9099");
      assertThatThrownBy(() -> AuthConfig.from(new Env(deployed))).as(emulator)
          .isInstanceOf(Env.MissingConfigException.class)
          .hasMessageContaining("DARKROOM_AUTH=on").hasMessageContaining(emulator + " is set");
      Map<String, String> local = new java.util.HashMap<>(deployed);
      local.put("DARKROOM_LOCAL_STACK", "true");
      assertThat(AuthConfig.from(new Env(local)).required()).as(emulator).isTrue();
      assertThat(AuthConfig.from(new Env(Map.of("DARKROOM_AUTH", "off", emulator, "127.0.0.1:9099"))).required())
          .as(emulator).isFalse();
    }
  }

  @Test
  void originsAreTheConfiguredOnesAndLoopbackPagesOnlyOnThisMachine() {
    AuthConfig deployed = AuthConfig.from(new Env(Map.of("DARKROOM_AUTH", "on", "API_KEY_PEPPER", PEPPER)));
    OriginsConfig cloud = OriginsConfig.from(new Env(Map.of("ALLOWED_ORIGINS", "https://app.example.com")), deployed);
    assertThat(cloud.allowed().allows("https://app.example.com")).isTrue();
    assertThat(cloud.allowed().allows("http://127.0.0.1:8188")).isFalse();
    assertThat(OriginsConfig.from(new Env(Map.of()), deployed).allowed().exact()).isEmpty();

    OriginsConfig localWithAuth = OriginsConfig.from(new Env(Map.of("DARKROOM_LOCAL_STACK", "true")), deployed);
    assertThat(localWithAuth.allowed().allows("http://127.0.0.1:8188")).isTrue();
    AuthConfig off = AuthConfig.from(new Env(Map.of("DARKROOM_AUTH", "off")));
    assertThat(OriginsConfig.from(new Env(Map.of()), off).allowed().allows("http://localhost:5173")).isTrue();

    assertThatThrownBy(() -> OriginsConfig.from(new Env(Map.of("ALLOWED_ORIGINS", "*")), deployed))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageStartingWith("ALLOWED_ORIGINS is malformed: '*'");
  }

  @Test
  void eachTopicAndCollectionHasItsOwnVariableAndTheLocalStacksNameAsDefault() {
    Env env = new Env(Map.of("JOB_EVENTS_TOPIC", "dev-job-events", "JOBS_COLLECTION", "dev_jobs"));
    assertThat(TopicConfig.jobEvents(env).id()).isEqualTo("dev-job-events");
    assertThat(TopicConfig.jobSubmitted(env).id()).isEqualTo("job-submitted");
    assertThat(TopicConfig.notifications(env).id()).isEqualTo("notifications");
    assertThat(TopicConfig.jobEventsPublic(env).id()).isEqualTo("job-events-public");
    assertThat(CollectionConfig.jobs(env).name()).isEqualTo("dev_jobs");
    assertThat(CollectionConfig.gpuSlots(env).name()).isEqualTo("gpuSlots");
  }

  @Test
  void limitsThatCannotWorkStopTheDeployableNamingTheVariable() {
    assertThat(GpuPoolConfig.from(new Env(Map.of())).cap()).isEqualTo(10);
    assertThatThrownBy(() -> GpuPoolConfig.from(new Env(Map.of("GPU_TASK_CAP", "0"))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessage("GPU_TASK_CAP must be at least 1: 0");
    assertThatThrownBy(() -> TierConcurrencyConfig.from(new Env(Map.of("TIER_CONCURRENCY", "free"))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageStartingWith("TIER_CONCURRENCY is malformed");
    assertThatThrownBy(() -> GpuJobConfig.from(new Env(Map.of())))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("GPU_JOB_NAME");
  }

  @Test
  void emailIsOffWithoutAHostAndNeedsASenderWithOne() {
    assertThat(SmtpConfig.from(new Env(Map.of())).serverIfSet()).isEmpty();
    SmtpConfig smtp = SmtpConfig.from(new Env(Map.of("SMTP_HOST", "mail", "SMTP_FROM", "a@b", "SMTP_PASSWORD", "pw-123")));
    assertThat(smtp.serverIfSet()).hasValueSatisfying(s -> assertThat(s.port()).isEqualTo(587));
    assertThat(smtp.toString()).doesNotContain("pw-123");
    assertThatThrownBy(() -> SmtpConfig.from(new Env(Map.of("SMTP_HOST", "mail"))))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("SMTP_FROM");
  }

  @Test
  void webhooksNeedTheSealingKeyAndReachLoopbackOnlyWhenAllowed() {
    WebhooksConfig webhooks = WebhooksConfig.from(new Env(Map.of("WEBHOOK_SECRETS_KEY", PEPPER)));
    assertThat(webhooks.allowLoopback()).isFalse();
    assertThat(webhooks.toString()).doesNotContain(PEPPER);
    assertThat(WebhooksConfig.from(new Env(Map.of("WEBHOOK_SECRETS_KEY", PEPPER,
        WebhooksConfig.ALLOW_LOOPBACK_VARIABLE, "true"))).allowLoopback()).isTrue();
    assertThatThrownBy(() -> WebhooksConfig.from(new Env(Map.of())))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("WEBHOOK_SECRETS_KEY");
  }
}
