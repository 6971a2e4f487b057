package dev.darkroom.gcp.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import net.logstash.logback.composite.AbstractFieldJsonProvider;
import tools.jackson.core.JsonGenerator;

/**
 * Writes the level as Cloud Logging's {@code severity}: its names are logback's except WARNING
 * (logback: WARN) and DEBUG for TRACE, and an unknown name would be logged as DEFAULT.
 */
public final class CloudLoggingSeverity extends AbstractFieldJsonProvider<ILoggingEvent> {

  public CloudLoggingSeverity() {
    setFieldName("severity");
  }

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) {
    generator.writeStringProperty(getFieldName(), severity(event.getLevel()));
  }

  static String severity(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> "ERROR";
      case Level.WARN_INT -> "WARNING";
      case Level.INFO_INT -> "INFO";
      default -> "DEBUG";
    };
  }
}
