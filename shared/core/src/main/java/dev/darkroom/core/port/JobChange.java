package dev.darkroom.core.port;

import dev.darkroom.core.job.Job;
import java.util.Optional;

/** A decision about one job, taken inside {@link JobStore#update}. */
@FunctionalInterface
public interface JobChange<T> {

  Outcome<T> decide(Optional<Job> current);

  /**
   * @param write the job to store, or null to leave the document as it is
   * @param result what {@link JobStore#update} returns to its caller
   */
  record Outcome<T>(Job write, T result) {
    public static <T> Outcome<T> write(Job job, T result) {
      return new Outcome<>(job, result);
    }

    public static <T> Outcome<T> keep(T result) {
      return new Outcome<>(null, result);
    }
  }
}
