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
    String filter = filterOf("dead_letters");
    assertThat(filter).contains("severity>=ERROR");
    Matcher leftOut = LEFT_OUT.matcher(filter);
    assertThat(leftOut.find()).as("the filter leaves out the leaves: %s", filter).isTrue();

    assertThat(leftForWarmTasksConstructor()).as("its message").contains(leftOut.group(1));
  }

  /** The keep-warm tile counts jobs left to warm tasks by the same exception text. */
  @Test
  void warmLeavesCountDispatchsLeftForWarmTasksExceptionsByItsText() throws Exception {
    String filter = filterOf("warm_leaves");
    assertThat(filter).contains("-dispatch\"").contains("severity>=ERROR");
    Matcher counted = Pattern.compile("jsonPayload\\.message:\"([^\"]+)\"").matcher(filter);
    assertThat(counted.find()).as("the filter names the exception's text: %s", filter).isTrue();
    assertThat(leftForWarmTasksConstructor()).as("its message").contains(counted.group(1));
  }

  /** The keep-warm tile counts the reconciler's top-up launches by the key TopUpWarmTasks logs them with. */
  @Test
  void warmTopUpsCountTheLaunchesTopUpWarmTasksLogs() throws Exception {
    String filter = filterOf("warm_top_ups");
    Matcher key = Pattern.compile("jsonPayload\\.(\\w+)=\"(\\w+)\"").matcher(filter);
    assertThat(key.find()).as("the filter's key and value: %s", filter).isTrue();
    String topUp = Files.readString(Module.ROOT.resolve("shared/core/src/main/java/dev/darkroom/core/usecase/TopUpWarmTasks.java"));
    assertThat(topUp).contains("addKeyValue(\"" + key.group(1) + "\", \"" + key.group(2) + "\")");
  }

  private static String filterOf(String metric) throws Exception {
    return Module.resource(Module.parsed(), "google_logging_metric", metric).path("filter").asText();
  }

  /** The source of DispatchJobs.LeftForWarmTasksException's constructor, which writes its message. */
  private static String leftForWarmTasksConstructor() throws Exception {
    String code = Files.readString(Module.ROOT.resolve("shared/core/src/main/java/dev/darkroom/core/usecase/DispatchJobs.java"));
    int start = code.indexOf("LeftForWarmTasksException(JobSubmitted message) {");
    assertThat(start).as("DispatchJobs.LeftForWarmTasksException's constructor").isPositive();
    return code.substring(start, code.indexOf('}', start));
  }
}
