package dev.darkroom.testing;

import dev.darkroom.core.job.LiveWindow;
import dev.darkroom.core.port.JobFeed;
import dev.darkroom.core.port.JobLiveStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link JobLiveStream} in memory; a write reports to the job's followers synchronously, in write order. */
public final class InMemoryJobLiveStream implements JobLiveStream {
  private record Follower(String jobId, Listener listener) {}

  private final Map<String, LiveWindow> windows = new ConcurrentHashMap<>();
  private final List<Follower> followers = new CopyOnWriteArrayList<>();

  @Override
  public synchronized void write(String jobId, LiveWindow window) {
    windows.put(jobId, window);
    followers.stream().filter(f -> f.jobId().equals(jobId)).forEach(f -> f.listener().window(window));
  }

  @Override
  public synchronized JobFeed.Subscription follow(String jobId, Listener listener) {
    Follower follower = new Follower(jobId, listener);
    followers.add(follower);
    listener.window(windows.getOrDefault(jobId, LiveWindow.NONE));
    return () -> followers.remove(follower);
  }

  /** The job's window as last written, for assertions. */
  public LiveWindow windowOf(String jobId) {
    return windows.getOrDefault(jobId, LiveWindow.NONE);
  }

  /** How many follows are open. */
  public int followers() {
    return followers.size();
  }
}
