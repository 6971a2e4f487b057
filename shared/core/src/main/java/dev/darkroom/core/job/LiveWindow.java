package dev.darkroom.core.job;

import java.util.List;

/**
 * The latest frames of one run of a running job's prompt (oldest first), as its runner last wrote them:
 * a bounded window, not a log. A follower relays the frames numbered after the last it relayed; a
 * gap means frames left the window before it looked (it fell behind), and they are gone.
 *
 * @param run which run of the job's prompt the frames belong to (when its runner started it, epoch ms):
 *     a retried job runs again, and the new run numbers its frames from 1 again
 * @param complete the engine is done with the prompt: no frame of this run follows these
 */
public record LiveWindow(long run, List<LiveFrame> frames, boolean complete) {
  /** At most this many bytes of frames, so a window always fits one Firestore document (1 MiB). */
  public static final int MAX_BYTES = 900_000;
  /** At most this many frames, whatever their size. */
  public static final int MAX_FRAMES = 256;

  public static final LiveWindow NONE = new LiveWindow(0, List.of(), false);

  public LiveWindow {
    frames = List.copyOf(frames);
  }

  /** The sequence of its newest frame, or 0. */
  public long lastSequence() {
    return frames.isEmpty() ? 0 : frames.get(frames.size() - 1).sequence();
  }
}
