package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the dashboards' log-based metrics match, held against the code that writes the lines. */
class MonitoringTest {
  private static final Pattern LEFT_OUT = Pattern.compile("NOT jsonPayload\\.message:\"([^\"]+)\"");

  /**
   * Dispatch throws a job it leaves to warm tasks back to Pub/Sub for a second look: the invoker
   * logs it at ERROR like a failure, and the delivery-failures metric must not count it. The text it
   * leaves out has to be in that exception's message, or every leave counts as a failure again.
   */
  @Test
  void deliveryFailuresLeaveOutJobsLeftToWarmTasksByTheirExceptionsText() throws Exception {
    String filter = Module.resource(Module.parsed(), "google_logging_metric", "dead_letters").path("filter").asText();
    assertThat(filter).contains("severity>=ERROR");
    Matcher leftOut = LEFT_OUT.matcher(filter);
    assertThat(leftOut.find()).as("the filter leaves out the leaves: %s", filter).isTrue();

    String dispatchJobs = Files.readString(Module.ROOT.resolve(
        "shared/core/src/main/java/dev/darkroom/core/usecase/DispatchJobs.java"));
    int exception = dispatchJobs.indexOf("LeftForWarmTasksException(JobSubmitted message) {");
    assertThat(exception).as("DispatchJobs.LeftForWarmTasksException's constructor").isPositive();
    String constructor = dispatchJobs.substring(exception, dispatchJobs.indexOf('}', exception));
    assertThat(constructor).as("its message").contains(leftOut.group(1));
  }
}
