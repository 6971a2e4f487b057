package dev.darkroom.emulators.run;

import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.ExecutionsClient;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.TasksClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract against real Cloud Run Jobs, so the emulator cannot drift from it. Runs only with
 * {@code mvn verify -Psystem}; needs {@code GOOGLE_CLOUD_PROJECT}, {@code DARKROOM_SYSTEM_TEST_REGION}
 * and application default credentials allowed to create, run and delete jobs. It creates jobs
 * named {@code ct-*} (CPU only, busybox) and deletes them afterwards.
 */
class CloudRunJobsSystemIT extends CloudRunJobsContract {
  /** Any public image with a POSIX sh; mirror.gcr.io serves Docker Hub's library images. */
  private static final String DEFAULT_IMAGE = "mirror.gcr.io/library/busybox:1.36";

  private static String project;
  private static String region;
  private static String image;
  private static JobsClient jobs;
  private static ExecutionsClient executions;
  private static TasksClient tasks;

  @BeforeAll
  static void connect() throws IOException {
    project = System.getenv("GOOGLE_CLOUD_PROJECT");
    region = System.getenv("DARKROOM_SYSTEM_TEST_REGION");
    List<String> missing = new ArrayList<>();
    if (project == null || project.isBlank()) {
      missing.add("GOOGLE_CLOUD_PROJECT");
    }
    if (region == null || region.isBlank()) {
      missing.add("DARKROOM_SYSTEM_TEST_REGION");
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("CloudRunJobsSystemIT needs environment variable(s) " + missing
          + " (and application default credentials)");
    }
    String imageOverride = System.getenv("DARKROOM_SYSTEM_TEST_SH_IMAGE");
    image = imageOverride == null || imageOverride.isBlank() ? DEFAULT_IMAGE : imageOverride;
    jobs = JobsClient.create();
    executions = ExecutionsClient.create();
    tasks = TasksClient.create();
  }

  @AfterAll
  static void disconnect() {
    if (jobs != null) {
      jobs.close();
      executions.close();
      tasks.close();
    }
  }

  @Override
  protected JobsClient jobs() {
    return jobs;
  }

  @Override
  protected ExecutionsClient executions() {
    return executions;
  }

  @Override
  protected TasksClient tasks() {
    return tasks;
  }

  @Override
  protected String project() {
    return project;
  }

  @Override
  protected String location() {
    return region;
  }

  @Override
  protected Container.Builder container(String script) {
    return Container.newBuilder().setImage(image).addCommand("sh").addCommand("-c").addArgs(script);
  }

  @Override
  protected Duration executionDeadline() {
    return Duration.ofMinutes(10);
  }

  @Override
  protected Duration pollInterval() {
    return Duration.ofSeconds(5);
  }
}
