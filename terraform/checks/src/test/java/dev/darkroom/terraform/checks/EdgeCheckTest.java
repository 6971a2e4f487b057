package dev.darkroom.terraform.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

  // Issue 20 item 3: the console at / from its bucket, the API beside it on the same host.

  @Test
  void failsWhenTheConsolePagesGoToTheApi() {
    JsonNode module = Module.copy();
    ArrayNode rules = (ArrayNode) Terraform.at(Module.resource(module, EdgeCheck.URL_MAP, "edge"), "path_matcher").path("path_rule");
    for (JsonNode rule : rules) {
      if (rule.path("service").asText().contains(EdgeCheck.BUCKET_BACKEND)) {
        ((ArrayNode) rule.path("paths")).removeAll().add("/console/*");
      }
    }
    assertThat(EdgeCheck.run(module).failures()).containsExactly(
        "google_compute_url_map.edge, path matcher comfyui: \"/\" goes to google_compute_backend_service.api,"
            + " not to the console's backend bucket");
  }

  @Test
  void failsWhenAnApiPathGoesToTheConsoleBucket() {
    JsonNode module = Module.copy();
    ArrayNode rules = (ArrayNode) Terraform.at(Module.resource(module, EdgeCheck.URL_MAP, "edge"), "path_matcher").path("path_rule");
    for (JsonNode rule : rules) {
      if (rule.path("service").asText().contains(EdgeCheck.BUCKET_BACKEND)) {
        ((ArrayNode) rule.path("paths")).add("/api/*");
      }
    }
    assertThat(EdgeCheck.run(module).failures()).containsExactly(
        "google_compute_url_map.edge, path matcher comfyui: \"/api/*\" goes to the console's"
            + " google_compute_backend_bucket.console; only [/, /console/*] are the console's, every API path goes to the api");
  }

  @Test
  void failsWhenTheRestOfTheHostGoesElsewhereThanTheApi() {
    JsonNode module = Module.copy();
    ((ObjectNode) Terraform.at(Module.resource(module, EdgeCheck.URL_MAP, "edge"), "path_matcher"))
        .put("default_service", "${google_compute_backend_bucket.console[0].id}");
    assertThat(EdgeCheck.run(module).failures()).containsExactly(
        "google_compute_url_map.edge, path matcher comfyui: every path without a rule (ComfyUI's routes, /api/...)"
            + " goes to google_compute_backend_bucket.console, not to the backend service of google_cloudfunctions2_function.api");
  }

  // Issue 23 item 1: ComfyUI's frontend opens /api/ws, its scripts /ws: both reach the realtime gateway.

  @Test
  void failsWhenApiWsGoesToTheApiInsteadOfTheRealtimeGateway() {
    JsonNode module = Module.copy();
    ArrayNode rules = (ArrayNode) Terraform.at(Module.resource(module, EdgeCheck.URL_MAP, "edge"), "path_matcher").path("path_rule");
    for (JsonNode rule : rules) {
      ArrayNode paths = (ArrayNode) rule.path("paths");
      for (int i = paths.size() - 1; i >= 0; i--) {
        if (paths.get(i).asText().equals("/api/ws")) {
          paths.remove(i);
        }
      }
    }
    assertThat(EdgeCheck.run(module).failures()).containsExactly(
        "google_compute_url_map.edge, path matcher comfyui: \"/api/ws\" goes to google_compute_backend_service.api,"
            + " not to the backend service of google_cloud_run_v2_service.realtime");
  }
}
