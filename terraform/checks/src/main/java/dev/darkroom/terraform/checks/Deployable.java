package dev.darkroom.terraform.checks;

import java.nio.file.Path;
import java.util.List;

/**
 * A piece of code that runs in the cloud, where its sources are and which Terraform resource runs
 * it. This is the one table the checks keep by hand: which code runs where. What each one reads and
 * needs is derived from its sources.
 *
 * @param dockerfile the image's Dockerfile, whose ENV lines set variables too; null for functions
 */
public record Deployable(String name, String moduleDir, String resourceType, String resourceName, String dockerfile) {

  public static final String FUNCTION = "google_cloudfunctions2_function";
  public static final String RUN_JOB = "google_cloud_run_v2_job";
  public static final String RUN_SERVICE = "google_cloud_run_v2_service";

  public static final List<Deployable> ALL = List.of(
      new Deployable("api", "functions/api", FUNCTION, "api", null),
      new Deployable("dispatch", "functions/dispatch", FUNCTION, "dispatch", null),
      new Deployable("job-events", "functions/job-events", FUNCTION, "job_events", null),
      new Deployable("reconcile", "functions/reconcile", FUNCTION, "reconcile", null),
      // One resource, for_each dead-letter topic: a gen2 function takes a single event trigger.
      new Deployable("dead-letters", "functions/dead-letters", FUNCTION, "dead_letters", null),
      new Deployable("notify", "functions/notify", FUNCTION, "notify", null),
      new Deployable("thumbnails", "functions/thumbnails", FUNCTION, "thumbnails", null),
      new Deployable("realtime", "functions/realtime", RUN_SERVICE, "realtime", null),
      new Deployable("runner", "gpu-job-image/runner", RUN_JOB, "gpu", "gpu-job-image/Dockerfile"));

  /** Sources shared by every deployable, followed from its own. */
  public static final List<String> SHARED_SOURCES = List.of("shared/gcp/src/main/java", "shared/core/src/main/java");

  public String address() {
    return resourceType + "." + resourceName;
  }

  /** False while the module is still being written: its checks are skipped, with a note. */
  public boolean exists(Path repoRoot) {
    return java.nio.file.Files.isDirectory(repoRoot.resolve(moduleDir).resolve("src/main/java"));
  }

  public CodeReads.Result scan(Path repoRoot) {
    return CodeReads.scan(List.of(repoRoot.resolve(moduleDir).resolve("src/main/java")),
        SHARED_SOURCES.stream().map(repoRoot::resolve).toList());
  }
}
