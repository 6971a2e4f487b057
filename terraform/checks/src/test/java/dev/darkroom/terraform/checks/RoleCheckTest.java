package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class RoleCheckTest {

  @Test
  void everyServiceAccountHasExactlyTheRolesItsCodeNeeds() {
    Report report = RoleCheck.run(Module.ROOT, Module.parsed()).printNotes("roles");
    assertThat(report.failures()).isEmpty();
  }

  @Test
  void failsOnAMissingPublisherRole() {
    JsonNode module = Module.copy();
    Module.remove(module, "google_pubsub_topic_iam_member", "api_publishes_job_submitted");
    assertThat(RoleCheck.run(Module.ROOT, module).failures()).containsExactly(
        "api: service account google_service_account.api lacks roles/pubsub.publisher on google_pubsub_topic.job_submitted (needed by Adapters.jobQueue)");
  }

  @Test
  void failsOnAMissingActAsForTheLauncher() {
    JsonNode module = Module.copy();
    Module.remove(module, "google_service_account_iam_member", "dispatch_acts_as_runner");
    assertThat(RoleCheck.run(Module.ROOT, module).failures()).containsExactly(
        "dispatch: service account google_service_account.dispatch lacks roles/iam.serviceAccountUser on google_service_account.runner (needed by Adapters.jobLauncher)");
  }

  @Test
  void failsOnAMissingSigningRole() {
    JsonNode module = Module.copy();
    Module.remove(module, "google_service_account_iam_member", "api_signs_as_itself");
    // The api signs read URLs for outputs and upload URLs for models: the failure names the first it meets.
    assertThat(RoleCheck.run(Module.ROOT, module).failures()).singleElement().asString().matches(
        "api: service account google_service_account\\.api lacks roles/iam\\.serviceAccountTokenCreator on"
            + " google_service_account\\.api \\(needed by (signedReadUrl|signResumableUpload)\\(\\)\\)");
  }

  @Test
  void failsOnAMissingInvokerForATrigger() {
    JsonNode module = Module.copy();
    Module.remove(module, "google_cloud_run_v2_service_iam_member", "events_invoke_dispatch");
    assertThat(RoleCheck.run(Module.ROOT, module).failures()).containsExactly(
        "event triggers: service account google_service_account.events lacks roles/run.invoker on google_cloudfunctions2_function.dispatch (needed by trigger of dispatch)");
  }

  @Test
  void failsOnARoleNothingNeeds() {
    JsonNode module = Module.copy();
    Module.resource(module, "google_project_iam_member", "realtime_datastore").put("role", "roles/datastore.owner");
    assertThat(RoleCheck.run(Module.ROOT, module).failures()).containsExactly(
        "realtime: service account google_service_account.realtime lacks roles/datastore.user on project (needed by Adapters.jobFeed)",
        "realtime: service account google_service_account.realtime has roles/datastore.owner on project, which nothing it runs needs");
  }

  @Test
  void failsWhenTheVariableNamingAPortsResourceIsNotAReference() {
    JsonNode module = Module.copy();
    Module.functionEnv(module, "api").put("JOB_SUBMITTED_TOPIC", "job-submitted");
    assertThat(RoleCheck.run(Module.ROOT, module).failures()).containsExactly(
        "api: cannot tell which resource Adapters.jobQueue uses: JOB_SUBMITTED_TOPIC is not set to a Terraform resource on google_cloudfunctions2_function.api",
        "api: service account google_service_account.api has roles/pubsub.publisher on google_pubsub_topic.job_submitted, which nothing it runs needs");
  }

  @Test
  void everyPublicMethodOfAdaptersIsAPortWithItsNeedsOrNeedsNoRoleForAReason() throws Exception {
    String source = java.nio.file.Files.readString(Module.ROOT.resolve("shared/gcp/src/main/java/dev/darkroom/gcp/Adapters.java"));
    java.util.Set<String> methods = new java.util.TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("(?m)^  public (?:synchronized )?[A-Za-z.<>]+ ([a-z][A-Za-z]*)\\(").matcher(source);
    while (m.find()) {
      methods.add("Adapters." + m.group(1));
    }
    java.util.Set<String> known = new java.util.TreeSet<>(RoleCheck.PORTS.keySet());
    known.addAll(RoleCheck.NO_ROLE.keySet());
    assertThat(methods).as("public methods of Adapters").contains("Adapters.jobQueue", "Adapters.close");
    assertThat(known).as("RoleCheck.PORTS and NO_ROLE").isEqualTo(methods);
  }
}
