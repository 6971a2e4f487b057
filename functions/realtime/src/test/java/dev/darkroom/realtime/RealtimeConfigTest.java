package dev.darkroom.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.gcp.Env;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RealtimeConfigTest {

  private static Map<String, String> local() {
    Map<String, String> vars = new HashMap<>();
    vars.put("PORT", "0");
    vars.put("GOOGLE_CLOUD_PROJECT", "darkroom-local");
    vars.put("DARKROOM_AUTH", "off");
    return vars;
  }

  @Test
  void withoutAuthenticationTheGatewayNeedsNoDatabaseAndListensOnLoopbackOnly() {
    RealtimeConfig config = RealtimeConfig.from(new Env(local()));
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.auth().required()).isFalse();
    assertThat(config.database()).isNull();
    assertThat(config.jobs().name()).isEqualTo("jobs");
  }

  @Test
  void withAuthenticationItNeedsThePepperAndTheDatabaseNamingWhatIsMissing() {
    Map<String, String> vars = local();
    vars.put("DARKROOM_AUTH", "on");
    vars.put("K_SERVICE", "realtime");
    assertThatThrownBy(() -> RealtimeConfig.from(new Env(vars)))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("API_KEY_PEPPER");
    vars.put("API_KEY_PEPPER", "p".repeat(32));
    assertThatThrownBy(() -> RealtimeConfig.from(new Env(vars)))
        .isInstanceOf(Env.MissingConfigException.class).hasMessageContaining("DATABASE_URL");
    vars.put("INSTANCE_CONNECTION_NAME", "p:r:i");
    vars.put("DB_NAME", "ledger");
    vars.put("DB_USER", "realtime");

    RealtimeConfig config = RealtimeConfig.from(new Env(vars));
    assertThat(config.host()).as("on Cloud Run").isEqualTo("0.0.0.0");
    assertThat(config.database().cloudSqlInstance()).isEqualTo("p:r:i");
  }

  @Test
  void thePortIsRequired() {
    Map<String, String> vars = local();
    vars.remove("PORT");
    assertThatThrownBy(() -> RealtimeConfig.from(new Env(vars))).hasMessageContaining("PORT");
  }
}
