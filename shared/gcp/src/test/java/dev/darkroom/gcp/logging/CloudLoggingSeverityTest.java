package dev.darkroom.gcp.logging;

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

    // Key-value pairs become fields: Terraform's GPU-seconds and cold-start metrics read these.
    LoggingEvent ended = new LoggingEvent("test", context.getLogger("dev.darkroom.runner.Runner"), Level.INFO,
        "job {} ended on the engine as {} after {} s", null, new Object[] {"job-1", "Completed[...]", 4.25});
    ended.setMDCPropertyMap(Map.of());
    ended.addKeyValuePair(new org.slf4j.event.KeyValuePair("outcome", "Completed"));
    ended.addKeyValuePair(new org.slf4j.event.KeyValuePair("gpuSeconds", 4.25));
    JsonNode endLine = new ObjectMapper().readTree(new String(encoder.encode(ended), StandardCharsets.UTF_8));
    assertThat(endLine.path("outcome").asText()).isEqualTo("Completed");
    assertThat(endLine.path("gpuSeconds").isNumber()).isTrue();
    assertThat(endLine.path("gpuSeconds").asDouble()).isEqualTo(4.25);
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
