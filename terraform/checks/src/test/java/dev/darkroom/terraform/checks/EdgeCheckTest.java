package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Issue 19 item 6: the public entry points only behind the load balancer and its Cloud Armor policy. */
class EdgeCheckTest {

  @Test
  void theApiAndTheRealtimeGatewayAreReachableOnlyThroughTheLoadBalancerAndItsBan() {
    assertThat(EdgeCheck.run(Module.parsed()).failures()).isEmpty();
  }

  @Test
  void failsOnAnApiOpenBesideTheLoadBalancer() {
    JsonNode module = Module.copy();
    ((ObjectNode) Terraform.at(Module.resource(module, Deployable.FUNCTION, "api"), "service_config"))
        .put("ingress_settings", "ALLOW_ALL");
    assertThat(EdgeCheck.run(module).failures()).containsExactly(
        "google_cloudfunctions2_function.api is public (ingress \"ALLOW_ALL\") but never limited to the load balancer"
            + " (ALLOW_INTERNAL_AND_GCLB)");
  }

  @Test
  void failsOnABackendServiceWithoutThePolicy() {
    JsonNode module = Module.copy();
    Module.resource(module, EdgeCheck.BACKEND, "realtime").remove("security_policy");
    assertThat(EdgeCheck.run(module).failures()).containsExactly(
        "google_cloud_run_v2_service.realtime is served through google_compute_region_network_endpoint_group.realtime,"
            + " whose backend service has no Cloud Armor policy with a rate-based ban");
  }

  @Test
  void failsOnAPolicyThatBansNobody() {
    JsonNode module = Module.copy();
    for (JsonNode rule : Module.resource(module, EdgeCheck.POLICY, "edge").path("rule")) {
      ((ObjectNode) rule).put("action", "allow");
    }
    assertThat(EdgeCheck.run(module).failures()).containsExactly(
        "google_cloud_run_v2_service.realtime is served through google_compute_region_network_endpoint_group.realtime,"
            + " whose backend service has no Cloud Armor policy with a rate-based ban",
        "google_cloudfunctions2_function.api is served through google_compute_region_network_endpoint_group.api,"
            + " whose backend service has no Cloud Armor policy with a rate-based ban");
  }

  @Test
  void failsOnAPublicServiceNoLoadBalancerServes() {
    JsonNode module = Module.copy();
    Module.remove(module, EdgeCheck.NEG, "realtime");
    assertThat(EdgeCheck.run(module).failures()).containsExactly(
        "google_cloud_run_v2_service.realtime is public but no load balancer backend (serverless network endpoint"
            + " group) serves it");
  }
}
