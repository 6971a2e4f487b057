package dev.darkroom.emulators.run;

import io.grpc.Status;
import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Cloud Run resource names: validation, parsing and the naming scheme of executions and tasks. */
final class ResourceNames {
  private ResourceNames() {}

  private static final String LOCATION = "projects/[^/]+/locations/[^/]+";
  private static final Pattern LOCATION_NAME = Pattern.compile(LOCATION);
  private static final Pattern JOB_NAME = Pattern.compile(LOCATION + "/jobs/([^/]+)");
  private static final Pattern EXECUTION_NAME =
      Pattern.compile("(" + LOCATION + "/jobs/[^/]+)/executions/([^/]+)");
  private static final Pattern TASK_NAME =
      Pattern.compile("(" + LOCATION + "/jobs/[^/]+/executions/[^/]+)/tasks/[^/]+-task(\\d+)");
  /** Cloud Run's rule for job ids: a DNS label that starts with a letter. */
  private static final Pattern JOB_ID = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

  private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  static void requireLocation(String parent) {
    if (!LOCATION_NAME.matcher(parent).matches()) {
      throw invalid("parent must look like projects/{project}/locations/{location}, got '" + parent + "'");
    }
  }

  static void requireJob(String name) {
    if (!JOB_NAME.matcher(name).matches()) {
      throw invalid("name must look like projects/{project}/locations/{location}/jobs/{job}, got '" + name + "'");
    }
  }

  static void requireExecution(String name) {
    if (!EXECUTION_NAME.matcher(name).matches()) {
      throw invalid("name must look like .../jobs/{job}/executions/{execution}, got '" + name + "'");
    }
  }

  static void requireJobId(String jobId) {
    if (!JOB_ID.matcher(jobId).matches()) {
      throw invalid("job_id '" + jobId + "' must be 1-63 lowercase letters, digits or hyphens,"
          + " start with a letter and not end with a hyphen");
    }
  }

  /** The parent execution of a task name, and the task's index. */
  static TaskRef task(String name) {
    Matcher m = TASK_NAME.matcher(name);
    if (!m.matches()) {
      throw invalid("name must look like .../executions/{execution}/tasks/{execution}-task{index}, got '" + name + "'");
    }
    return new TaskRef(m.group(1), Integer.parseInt(m.group(2)));
  }

  record TaskRef(String executionName, int index) {}

  /** Real Cloud Run names an execution after its job plus five random lowercase characters. */
  static String newExecutionId(String jobId) {
    StringBuilder id = new StringBuilder(jobId).append('-');
    for (int i = 0; i < 5; i++) {
      id.append(SUFFIX_ALPHABET.charAt(RANDOM.nextInt(SUFFIX_ALPHABET.length())));
    }
    return id.toString();
  }

  static String taskName(String executionName, int index) {
    return executionName + "/tasks/" + lastSegment(executionName) + "-task" + index;
  }

  static String lastSegment(String name) {
    return name.substring(name.lastIndexOf('/') + 1);
  }

  /** The collection's parent: {@code a/b/jobs/j} gives {@code a/b}. */
  static String parentOf(String name) {
    int lastSlash = name.lastIndexOf('/');
    return name.substring(0, name.lastIndexOf('/', lastSlash - 1));
  }

  static io.grpc.StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  static io.grpc.StatusRuntimeException notFound(String what, String name) {
    return Status.NOT_FOUND.withDescription(what + " " + name + " not found").asRuntimeException();
  }
}
