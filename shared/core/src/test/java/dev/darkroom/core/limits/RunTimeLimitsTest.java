package dev.darkroom.core.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.usecase.DeploymentDefinition;
import dev.darkroom.core.usecase.PromptRequests;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A job's time limit: the tier's maximum, lowered by what the request and its deployment ask. */
class RunTimeLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "{\"9\": {\"class_type\": \"SaveImage\", \"inputs\": {}}}";
  private final RunTimeLimits limits = RunTimeLimits.of("free=600,standard=3600,trial=60");

  @Test
  void theTiersMaximumAppliesWhenNothingIsAsked() {
    assertThat(limits.effective("free")).isEqualTo(600);
    assertThat(limits.effective("standard", (Long) null)).isEqualTo(3600);
    assertThat(limits.effective("enterprise")).as("a tier not listed: the GPU task's hour").isEqualTo(3600);
  }

  @Test
  void theTightestOfTierRequestAndDeploymentApplies() {
    assertThat(limits.effective("standard", 120L)).as("request below the tier").isEqualTo(120);
    assertThat(limits.effective("free", 1200L)).as("request above the tier: capped, not refused").isEqualTo(600);
    assertThat(limits.effective("standard", 900L, 300L)).as("deployment below the request").isEqualTo(300);
    assertThat(limits.effective("standard", 200L, 300L)).as("request below the deployment").isEqualTo(200);
    assertThat(limits.effective("trial", null, 300L)).as("tier below the deployment").isEqualTo(60);
    assertThat(limits.effective("standard", null, 300L)).isEqualTo(300);
  }

  @Test
  void theDefaultsAreTenMinutesFreeAndAnHourStandard() {
    RunTimeLimits defaults = RunTimeLimits.defaults();
    assertThat(defaults.maximum("free")).isEqualTo(600);
    assertThat(defaults.maximum("standard")).isEqualTo(3600);
    assertThat(defaults.maximum("pro")).isEqualTo(RunTimeLimits.GPU_TASK_SECONDS);
  }

  @Test
  void aMalformedSettingIsRefusedNamingTheEntry() {
    assertThatThrownBy(() -> RunTimeLimits.of("free=0")).hasMessageContaining("free=0");
    assertThatThrownBy(() -> RunTimeLimits.of("free=ten")).hasMessageContaining("free=ten");
  }

  @Test
  void aRequestedValueIsAWholeNumberOfSecondsFromOne() throws Exception {
    assertThat(RunTimeLimits.requested(JSON.readTree("30")).seconds()).isEqualTo(30L);
    assertThat(RunTimeLimits.requested(null).seconds()).isNull();
    assertThat(RunTimeLimits.requested(JSON.readTree("null")).seconds()).isNull();
    for (String bad : new String[] {"0", "-5", "1.5", "\"60\"", "true", "[60]", "{}", "99999999999999999999"}) {
      RunTimeLimits.Requested requested = RunTimeLimits.requested(JSON.readTree(bad));
      assertThat(requested.seconds()).as(bad).isNull();
      assertThat(requested.problem()).as(bad).startsWith("must be a whole number of seconds, at least 1");
    }
  }

  @Test
  void aComfyUiClientAsksThroughExtraDataAndABadValueIsA400NamingTheField() throws Exception {
    PromptRequests.Parsed asked = PromptRequests.parse(JSON.readTree(
        "{\"prompt\": " + PROMPT + ", \"extra_data\": {\"darkroom_max_run_seconds\": 90}}"), "alice");
    assertThat(asked.request().maxRunSeconds()).isEqualTo(90L);
    assertThat(asked.request().extraData().path("darkroom_max_run_seconds").asLong())
        .as("extra_data is kept verbatim").isEqualTo(90);

    PromptRequests.Parsed bad = PromptRequests.parse(JSON.readTree(
        "{\"prompt\": " + PROMPT + ", \"extra_data\": {\"darkroom_max_run_seconds\": \"soon\"}}"), "alice");
    assertThat(bad.request()).isNull();
    assertThat(bad.error().type()).isEqualTo("invalid_prompt");
    assertThat(bad.error().details()).startsWith("extra_data.darkroom_max_run_seconds must be a whole number");
  }

  @Test
  void theComfyUiRouteIgnoresTheV2FieldAsComfyUiIgnoresUnknownFields() throws Exception {
    PromptRequests.Parsed parsed = PromptRequests.parse(JSON.readTree(
        "{\"prompt\": " + PROMPT + ", \"max_run_seconds\": \"not looked at\"}"), "alice");
    assertThat(parsed.error()).isNull();
    assertThat(parsed.request().maxRunSeconds()).isNull();
  }

  @Test
  void theV2BodyTakesMaxRunSecondsAndTheTighterOfItAndExtraDataApplies() throws Exception {
    assertThat(PromptRequests.parseJob(JSON.readTree("{\"prompt\": " + PROMPT + ", \"max_run_seconds\": 45}"),
        "alice").request().maxRunSeconds()).isEqualTo(45L);
    assertThat(PromptRequests.parseJob(JSON.readTree("{\"prompt\": " + PROMPT
        + ", \"max_run_seconds\": 45, \"extra_data\": {\"darkroom_max_run_seconds\": 30}}"), "alice")
        .request().maxRunSeconds()).isEqualTo(30L);

    PromptRequests.Parsed bad = PromptRequests.parseJob(JSON.readTree(
        "{\"prompt\": " + PROMPT + ", \"max_run_seconds\": 0}"), "alice");
    assertThat(bad.request()).isNull();
    assertThat(bad.error().details()).isEqualTo("max_run_seconds must be a whole number of seconds, at least 1 (got 0)");
  }

  @Test
  void aDeploymentDefinitionMaySetItsMaximum() throws Exception {
    String body = "{\"name\": \"portrait\", \"workflow\": " + PROMPT + ", \"inputs\": []%s}";
    Optional<NodeCatalog> noCatalog = Optional.empty();
    assertThat(DeploymentDefinition.parse(JSON.readTree(String.format(body, "")), noCatalog)
        .definition().maxRunSeconds()).isNull();
    assertThat(DeploymentDefinition.parse(JSON.readTree(String.format(body, ", \"max_run_seconds\": 120")), noCatalog)
        .definition().maxRunSeconds()).isEqualTo(120L);

    DeploymentDefinition.Parsed bad = DeploymentDefinition.parse(
        JSON.readTree(String.format(body, ", \"max_run_seconds\": -1")), noCatalog);
    assertThat(bad.definition()).isNull();
    assertThat(bad.errors()).singleElement().satisfies(error -> {
      assertThat(error.field()).isEqualTo("max_run_seconds");
      assertThat(error.message()).startsWith("must be a whole number of seconds");
    });
  }
}
