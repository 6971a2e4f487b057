package dev.darkroom.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.Progress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesTest {
  private static final Instant AT = Instant.parse("2026-11-23T10:00:00.123Z");

  @Test
  void everyEventKindRoundTripsThroughItsWireForm() {
    List<JobEvent> events = List.of(
        new JobEvent.Started("j", 1, 1, AT, "exec"),
        new JobEvent.Progressed("j", 1, 2, AT, new Progress("3", 5, 20)),
        new JobEvent.OutputProduced("j", 1, 3, AT,
            new JobOutput("9", "images", "a.png", "", "output", "outputs/u/j/a.png", "image/png", 3, "abc")),
        new JobEvent.Succeeded("j", 1, 4, AT, List.of(), 1.5),
        new JobEvent.Failed("j", 1, 4, AT, new JobError("ValueError", "bad", "5"), 0.5),
        new JobEvent.Cancelled("j", 1, 4, AT, 0.1),
        new JobEvent.TimedOut("j", 1, 4, AT, JobError.of("Timeout", "no progress"), 600));
    for (JobEvent event : events) {
      assertThat(Messages.decode(Messages.encode(event), JobEvent.class)).isEqualTo(event);
    }
  }

  @Test
  void theWireFormNamesTheEventTypeAndStatusInPlainWords() {
    String json = new String(Messages.encode(new JobEvent.TimedOut("j", 2, 7, AT, null, 1)), StandardCharsets.UTF_8);
    assertThat(json).contains("\"type\":\"timed_out\"").contains("\"at\":\"2026-11-23T10:00:00.123Z\"");
  }

  @Test
  void garbageIsAMalformedMessageNotACrash() {
    assertThatThrownBy(() -> Messages.decode("{nope".getBytes(StandardCharsets.UTF_8), JobEvent.class))
        .isInstanceOf(Messages.MalformedMessageException.class);
    assertThatThrownBy(() -> Messages.decode("{\"type\":\"exploded\"}".getBytes(StandardCharsets.UTF_8), JobEvent.class))
        .isInstanceOf(Messages.MalformedMessageException.class);
    assertThatThrownBy(() -> Messages.decode("null".getBytes(StandardCharsets.UTF_8), JobSubmitted.class))
        .isInstanceOf(Messages.MalformedMessageException.class);
  }
}
