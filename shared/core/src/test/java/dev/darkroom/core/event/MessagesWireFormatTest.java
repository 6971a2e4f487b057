package dev.darkroom.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.wire.Goldens;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Pub/Sub message kind against its golden files: these bytes cross separately deployed
 * programs (api, dispatch, runner, job-events, reconcile, dead-letters, notify), so today's bytes
 * must be exactly the golden v1 ones, and today's reader must read both v1 and the previous
 * release's unversioned bytes into the same value.
 */
class MessagesWireFormatTest {
  private static final Instant AT = Instant.parse("2026-11-23T10:00:00.123Z");
  private static final JobOutput IMAGE = new JobOutput("9", "images", "darkroom_00001_.png", "", "output",
      "outputs/user-1/job-1/darkroom_00001_.png", "image/png", 48213,
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  private static final JobOutput TEXT = JobOutput.text("12", "text", "caption.txt", "outputs/user-1/job-1/caption.txt",
      11, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9", "hello world");

  static Stream<Arguments> messages() {
    return Stream.of(
        arguments("job-submitted", new JobSubmitted("job-1", "user-1", 2), JobSubmitted.class),
        arguments("job-event-started", new JobEvent.Started("job-1", 2, 1, AT, "darkroom-gpu-x7k2p"), JobEvent.class),
        arguments("job-event-progress", new JobEvent.Progressed("job-1", 2, 2, AT, new Progress("3", 5, 20)),
            JobEvent.class),
        arguments("job-event-output", new JobEvent.OutputProduced("job-1", 2, 3, AT, IMAGE), JobEvent.class),
        arguments("job-event-succeeded", new JobEvent.Succeeded("job-1", 2, 4, AT, List.of(IMAGE, TEXT), 12.5),
            JobEvent.class),
        arguments("job-event-failed",
            new JobEvent.Failed("job-1", 2, 4, AT, new JobError("ValueError", "bad latent", "5"), 3.25), JobEvent.class),
        arguments("job-event-cancelled", new JobEvent.Cancelled("job-1", 2, 4, AT, 0.75), JobEvent.class),
        arguments("job-event-timed-out", new JobEvent.TimedOut("job-1", 2, JobEvent.RECONCILER_SEQUENCE, AT,
            JobError.of("Timeout", "no progress for 300 s"), 300.0), JobEvent.class),
        arguments("job-notification",
            new JobNotification("job-1/2/succeeded", "job-1", "user-1", "succeeded", AT), JobNotification.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void todaysEncoderWritesExactlyTheGoldenV1Bytes(String golden, Object message, Class<?> type) {
    assertThat(Goldens.tree(Messages.encode(message))).isEqualTo(Goldens.tree("v1", golden));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void todaysDecoderReadsTheGoldenV1(String golden, Object message, Class<?> type) {
    assertThat(Messages.decode(Goldens.bytes("v1", golden), type)).isEqualTo(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void todaysDecoderReadsThePreviousReleasesUnversionedBytesAsVersionOne(String golden, Object message, Class<?> type) {
    assertThat(Goldens.tree("unversioned", golden).has(SchemaVersion.FIELD)).isFalse();
    assertThat(Messages.decode(Goldens.bytes("unversioned", golden), type)).isEqualTo(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void fieldsAWriterAddedLaterAreIgnored(String golden, Object message, Class<?> type) {
    ObjectNode later = (ObjectNode) Goldens.tree("v1", golden);
    later.put("addedLater", "a field this reader does not know").putObject("nestedLater").put("x", 1);
    assertThat(Messages.decode(later.toString().getBytes(StandardCharsets.UTF_8), type)).isEqualTo(message);
  }

  @Test
  void everyEventKindHasAGoldenFile() {
    List<Class<?>> pinned = messages().<Class<?>>map(a -> a.get()[1].getClass())
        .filter(JobEvent.class::isAssignableFrom).distinct().toList();
    assertThat(pinned).containsExactlyInAnyOrder(JobEvent.class.getPermittedSubclasses());
  }

  @Test
  void aFutureMajorVersionIsMalformedHereNotMisread() {
    ObjectNode future = (ObjectNode) Goldens.tree("v1", "job-event-progress");
    future.put(SchemaVersion.FIELD, Messages.SCHEMA_VERSION + 1);
    assertThatThrownBy(() -> Messages.decode(future.toString().getBytes(StandardCharsets.UTF_8), JobEvent.class))
        .isInstanceOf(Messages.MalformedMessageException.class)
        .hasMessage("JobEvent of schemaVersion 2: this reader knows versions 1 to 1");
  }

  @Test
  void aVersionThatIsNoPositiveIntegerIsMalformed() {
    for (String version : List.of("\"1\"", "0", "-1", "1.5", "{}")) {
      String json = "{\"schemaVersion\":" + version + ",\"jobId\":\"j\",\"userId\":\"u\",\"attempt\":1}";
      assertThatThrownBy(() -> Messages.decode(json.getBytes(StandardCharsets.UTF_8), JobSubmitted.class))
          .as(version).isInstanceOf(Messages.MalformedMessageException.class).hasMessageContaining("schemaVersion");
    }
  }
}
