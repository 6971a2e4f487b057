package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.event.Messages;
import dev.darkroom.testing.EventarcEvents;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TriggeredEventsTest {
  private final Logger log = (Logger) LoggerFactory.getLogger("triggered-events-test");
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void recordTheLog() {
    logged.start();
    log.addAppender(logged);
  }

  @Test
  void aWellFormedMessageIsDecoded() {
    CloudEvent event = EventarcEvents.messagePublished("job-submitted", Messages.encode(new JobSubmitted("j1", "alice", 1)));

    assertThat(TriggeredEvents.message(event, JobSubmitted.class, "job-submitted message", log))
        .hasValue(new JobSubmitted("j1", "alice", 1));
    assertThat(logged.list).isEmpty();
  }

  @Test
  void aMalformedMessageIsAcknowledgedWithAWarningNamingTheEvent() {
    CloudEvent event = EventarcEvents.messagePublished("job-submitted", "not json".getBytes(StandardCharsets.UTF_8));

    assertThat(TriggeredEvents.message(event, JobSubmitted.class, "job-submitted message", log)).isEmpty();
    assertThat(logged.list).singleElement().satisfies(line -> {
      assertThat(line.getLevel()).isEqualTo(Level.WARN);
      assertThat(line.getFormattedMessage()).startsWith("acknowledging malformed job-submitted message " + event.getId() + ": ");
    });
  }

  @Test
  void anyOtherFailureOfTheDecoderPropagatesSoTheEventIsDeliveredAgain() {
    CloudEvent event = EventarcEvents.messagePublished("t", new byte[0]);
    assertThatThrownBy(() -> TriggeredEvents.decode(event, "thing", log, e -> {
      throw new IllegalStateException("store down (injected)");
    })).hasMessage("store down (injected)");
    assertThat(logged.list).isEmpty();
  }
}
