package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.darkroom.core.job.LiveFrame;
import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobLiveStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What every {@link JobLiveStream} must do; run against the fake and against the Firestore emulator. */
public abstract class JobLiveStreamContract {
  private static final Duration WAIT = Duration.ofSeconds(10);

  protected abstract JobLiveStream stream();

  private static String jobId() {
    return UUID.randomUUID().toString();
  }

  /** A window with text and binary frames comes back as written, bytes and all. */
  @Test
  void aWrittenWindowIsReportedAsWrittenToAFollowerThatComesLater() {
    String job = jobId();
    byte[] preview = {0, 0, 0, 1, 0, 0, 0, 1, (byte) 0xff, (byte) 0xd8, 0, 127, (byte) 0x80};
    LiveWindow window = new LiveWindow(2, List.of(
        LiveFrame.text(7, "{\"type\":\"executing\",\"data\":{\"node\":\"3\",\"prompt_id\":\"" + job + "\"}}", "3"),
        LiveFrame.binary(8, preview, "3"),
        LiveFrame.text(9, "{\"type\":\"progress\",\"data\":{}}", null)), true);
    stream().write(job, window);

    Recorder recorder = new Recorder();
    try (JobFeed.Subscription ignored = stream().follow(job, recorder)) {
      await().atMost(WAIT).until(() -> !recorder.windows.isEmpty());
      assertThat(recorder.windows.get(0)).isEqualTo(window);
      assertThat(recorder.windows.get(0).frames().get(1).binary()).containsExactly(preview);
      assertThat(recorder.windows.get(0).lastSequence()).isEqualTo(9);
    }
  }

  @Test
  void aJobWithoutAWindowIsReportedAsNoneThenEachWriteInOrder() {
    String job = jobId();
    Recorder recorder = new Recorder();
    try (JobFeed.Subscription ignored = stream().follow(job, recorder)) {
      await().atMost(WAIT).until(() -> !recorder.windows.isEmpty());
      assertThat(recorder.windows.get(0)).isEqualTo(LiveWindow.NONE);

      LiveWindow first = new LiveWindow(1, List.of(LiveFrame.text(1, "{\"type\":\"execution_start\"}", null)), false);
      stream().write(job, first);
      await().atMost(WAIT).until(() -> recorder.last().equals(first));
      LiveWindow second = new LiveWindow(1, List.of(first.frames().get(0),
          LiveFrame.text(2, "{\"type\":\"executing\"}", "4")), true);
      stream().write(job, second);
      await().atMost(WAIT).until(() -> recorder.last().equals(second));
      assertThat(recorder.windows).doesNotContain(new LiveWindow(1, List.of(), false));
    }
  }

  /** One job's frames reach only that job's followers; a closed follow hears nothing more. */
  @Test
  void aFollowHearsOnlyItsJobAndNothingOnceClosed() {
    String job = jobId();
    String other = jobId();
    Recorder recorder = new Recorder();
    JobFeed.Subscription follow = stream().follow(job, recorder);
    await().atMost(WAIT).until(() -> !recorder.windows.isEmpty());
    stream().write(other, new LiveWindow(1, List.of(LiveFrame.text(1, "{\"other\":1}", null)), false));
    LiveWindow mine = new LiveWindow(1, List.of(LiveFrame.text(1, "{\"mine\":1}", null)), false);
    stream().write(job, mine);
    await().atMost(WAIT).until(() -> recorder.last().equals(mine));
    assertThat(recorder.windows).allMatch(w -> w.frames().stream().noneMatch(f -> f.text().contains("other")));

    follow.close();
    int heard = recorder.windows.size();
    LiveWindow later = new LiveWindow(1, List.of(LiveFrame.text(2, "{\"later\":1}", null)), true);
    stream().write(job, later);
    Recorder check = new Recorder();
    try (JobFeed.Subscription ignored = stream().follow(job, check)) {
      await().atMost(WAIT).until(() -> !check.windows.isEmpty() && check.last().equals(later));
    }
    assertThat(recorder.windows).hasSize(heard);
  }

  private static final class Recorder implements JobLiveStream.Listener {
    final List<LiveWindow> windows = new CopyOnWriteArrayList<>();

    @Override
    public void window(LiveWindow window) {
      windows.add(window);
    }

    @Override
    public void failed(RuntimeException cause) {
      throw new AssertionError("the follow broke", cause);
    }

    LiveWindow last() {
      return windows.isEmpty() ? LiveWindow.NONE : windows.get(windows.size() - 1);
    }
  }
}
