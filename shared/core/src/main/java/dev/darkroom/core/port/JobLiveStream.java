package dev.darkroom.core.port;

import dev.darkroom.core.job.LiveWindow;

/**
 * The engine's own messages about each running job (every node, step and preview), from the runner
 * to the followers of the job (the realtime gateway), beside the job document and never in it: the
 * document stays small and its writes few, this is fast and disposable. One writer per job (its
 * runner), which replaces the job's window each time; it expires a day after its last write.
 */
public interface JobLiveStream {

  /** Replaces the job's window. Throws if it could not be stored (the caller decides to drop it). */
  void write(String jobId, LiveWindow window);

  /** The window now ({@link LiveWindow#NONE} if there is none), then after every write, in write order. */
  JobFeed.Subscription follow(String jobId, Listener listener);

  /** What a follow reports; called from one thread at a time. */
  interface Listener {
    void window(LiveWindow window);

    /** The follow broke and will report nothing more. */
    void failed(RuntimeException cause);
  }

  /** No live stream: nothing is kept, nothing is reported (a follower sees only the job documents). */
  JobLiveStream NONE = new JobLiveStream() {
    @Override
    public void write(String jobId, LiveWindow window) {}

    @Override
    public JobFeed.Subscription follow(String jobId, Listener listener) {
      return () -> { };
    }
  };
}
