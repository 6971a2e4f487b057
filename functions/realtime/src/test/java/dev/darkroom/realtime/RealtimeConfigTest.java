package dev.darkroom.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.limits.OpenStreams;
import dev.darkroom.gcp.Env;
import java.time.Duration;
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
    assertThat(config.sockets().limits()).isEqualTo(new OpenStreams.Limits(20, 500));
    assertThat(config.sockets().recheck()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.sockets().tickets().name()).isEqualTo("stream_tickets");
    assertThat(config.origins().allowed().allows("http://127.0.0.1:8188")).as("a loopback page, locally").isTrue();
  }

  @Test
  void theSocketLimitsAreSetByTheirVariablesAndMustBePositive() {
    Map<String, String> vars = local();
    vars.put("MAX_SOCKETS_PER_USER", "3");
    vars.put("MAX_SOCKETS_PER_INSTANCE", "7");
    vars.put("STREAM_RECHECK_SECONDS", "30");
    RealtimeConfig config = RealtimeConfig.from(new Env(vars));
    assertThat(config.sockets().limits()).isEqualTo(new OpenStreams.Limits(3, 7));
    assertThat(config.sockets().recheck()).isEqualTo(Duration.ofSeconds(30));
    vars.put("MAX_SOCKETS_PER_USER", "0");
    assertThatThrownBy(() -> RealtimeConfig.from(new Env(vars))).hasMessageContaining("MAX_SOCKETS_PER_USER");
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
