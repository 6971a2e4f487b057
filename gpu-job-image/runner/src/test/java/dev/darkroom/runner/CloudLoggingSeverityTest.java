package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The production log layout (src/main/resources/logback.xml) is what Cloud Logging reads. */
class CloudLoggingSeverityTest {

  @Test
  void logLinesAreJsonWithCloudLoggingSeverityAndTheJobContext() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getResource("/logback.xml"));
    @SuppressWarnings("unchecked")
    Encoder<ch.qos.logback.classic.spi.ILoggingEvent> encoder =
        ((OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
            context.getLogger("ROOT").getAppender("JSON")).getEncoder();

    LoggingEvent event = new LoggingEvent("test", context.getLogger("dev.darkroom.runner.Runner"), Level.WARN,
        "job {} left running", null, new Object[] {"job-1"});
    event.setMDCPropertyMap(Map.of("jobId", "job-1", "executionName", "executions/e-1"));
    JsonNode line = new ObjectMapper().readTree(new String(encoder.encode(event), StandardCharsets.UTF_8));

    assertThat(line.path("severity").asText()).isEqualTo("WARNING");
    assertThat(line.path("message").asText()).isEqualTo("job job-1 left running");
    assertThat(line.path("jobId").asText()).isEqualTo("job-1");
    assertThat(line.path("executionName").asText()).isEqualTo("executions/e-1");
    assertThat(line.has("timestamp")).isTrue();
    context.stop();
  }

  @Test
  void mapsEveryLevel() {
    assertThat(CloudLoggingSeverity.severity(Level.ERROR)).isEqualTo("ERROR");
    assertThat(CloudLoggingSeverity.severity(Level.INFO)).isEqualTo("INFO");
    assertThat(CloudLoggingSeverity.severity(Level.DEBUG)).isEqualTo("DEBUG");
    assertThat(CloudLoggingSeverity.severity(Level.TRACE)).isEqualTo("DEBUG");
  }
}
