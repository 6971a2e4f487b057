package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The public entry points are reachable only through the load balancer, and the load balancer bans
 * floods. Every function and Cloud Run service that takes traffic from outside (an ingress other than
 * internal-only) must: have, with the load balancer, the load balancer's ingress only (its run.app URL
 * closed to everyone else); be served by a serverless network endpoint group; and that group's backend
 * service must carry a Cloud Armor security policy with a rate-based ban.
 *
 * <p>The load balancer's url map (every one with path matchers) also splits the host as the local
 * stack's edge does: exactly {@code /} and {@code /console/*} go to the console's backend bucket, no
 * other path does, and every path without a rule of its own (the ComfyUI routes, {@code /api/...})
 * goes to the backend service that serves the api function; ComfyUI's sockets, {@code /ws} and
 * {@code /api/ws}, go to the backend service that serves the realtime gateway.
 */
public final class EdgeCheck {
  static final String FUNCTION_INTERNAL_ONLY = "ALLOW_INTERNAL_ONLY";
  static final String FUNCTION_BEHIND_LOAD_BALANCER = "ALLOW_INTERNAL_AND_GCLB";
  static final String SERVICE_INTERNAL_ONLY = "INGRESS_TRAFFIC_INTERNAL_ONLY";
  static final String SERVICE_BEHIND_LOAD_BALANCER = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER";
  static final String NEG = "google_compute_region_network_endpoint_group";
  static final String BACKEND = "google_compute_backend_service";
  static final String POLICY = "google_compute_security_policy";
  static final String URL_MAP = "google_compute_url_map";
  static final String BUCKET_BACKEND = "google_compute_backend_bucket";
  static final String API = Deployable.FUNCTION + ".api";
  /** The console's paths, those the local stack's ConsoleFiles serves: {@code /} and {@code /console/...}. */
  static final List<String> CONSOLE_PATHS = List.of("/", "/console/*");
  /** ComfyUI's WebSocket paths, both of which the local stack's edge sends to the realtime gateway. */
  static final List<String> SOCKET_PATHS = List.of("/ws", "/api/ws");
  static final String REALTIME = Deployable.RUN_SERVICE + ".realtime";

  private EdgeCheck() {}

  public static Report run(JsonNode module) {
    Terraform tf = new Terraform(module);
    Report report = new Report();
    // Public entry point address -> its ingress expression, and the value that admits only the load balancer.
    Map<String, String[]> publicEntries = new TreeMap<>();
    tf.resources(Deployable.FUNCTION).forEach((name, fn) -> {
      String ingress = text(Terraform.at(fn, "service_config", "ingress_settings"), "ALLOW_ALL");
      if (!ingress.equals(FUNCTION_INTERNAL_ONLY)) {
        publicEntries.put(Deployable.FUNCTION + "." + name, new String[] {ingress, FUNCTION_BEHIND_LOAD_BALANCER});
      }
    });
    tf.resources(Deployable.RUN_SERVICE).forEach((name, service) -> {
      String ingress = text(service.path("ingress"), "INGRESS_TRAFFIC_ALL");
      if (!ingress.equals(SERVICE_INTERNAL_ONLY)) {
        publicEntries.put(Deployable.RUN_SERVICE + "." + name, new String[] {ingress, SERVICE_BEHIND_LOAD_BALANCER});
      }
    });
    publicEntries.forEach((address, ingress) -> {
      if (!ingress[0].contains("\"" + ingress[1] + "\"") && !ingress[0].equals(ingress[1])) {
        report.fail(address + " is public (ingress \"" + ingress[0] + "\") but never limited to the load balancer ("
            + ingress[1] + ")");
      }
      Optional<String> neg = tf.resources(NEG).entrySet().stream()
          .filter(e -> Terraform.references(Terraform.at(e.getValue(), "cloud_run", "service").asText()).contains(address))
          .map(e -> NEG + "." + e.getKey()).findFirst();
      if (neg.isEmpty()) {
        report.fail(address + " is public but no load balancer backend (serverless network endpoint group) serves it");
        return;
      }
      boolean guarded = tf.resources(BACKEND).values().stream()
          .filter(backend -> Terraform.references(Terraform.at(backend, "backend", "group").asText()).contains(neg.get()))
          .anyMatch(backend -> Terraform.firstReference(backend.path("security_policy").asText())
              .filter(policy -> policy.startsWith(POLICY + "."))
              .flatMap(policy -> tf.resource(POLICY, policy.substring(POLICY.length() + 1)))
              .filter(EdgeCheck::bansPerClient).isPresent());
      if (!guarded) {
        report.fail(address + " is served through " + neg.get()
            + ", whose backend service has no Cloud Armor policy with a rate-based ban");
      }
    });
    tf.resources(URL_MAP).forEach((name, urlMap) -> checkRoutes(tf, URL_MAP + "." + name, urlMap, report));
    return report;
  }

  /** The console's paths to its backend bucket, no other; the rest of the host to the api. */
  private static void checkRoutes(Terraform tf, String urlMap, JsonNode map, Report report) {
    for (JsonNode matcher : map.path("path_matcher")) {
      String where = urlMap + ", path matcher " + matcher.path("name").asText();
      Optional<String> fallback = Terraform.firstReference(matcher.path("default_service").asText());
      if (fallback.isEmpty() || !servesTheApi(tf, fallback.get())) {
        report.fail(where + ": every path without a rule (ComfyUI's routes, /api/...) goes to "
            + fallback.orElse("nothing") + ", not to the backend service of " + API);
      }
      Map<String, String> targets = new TreeMap<>();
      for (JsonNode rule : matcher.path("path_rule")) {
        String target = Terraform.firstReference(rule.path("service").asText()).orElse("nothing");
        rule.path("paths").forEach(path -> targets.put(path.asText(), target));
      }
      for (String path : CONSOLE_PATHS) {
        String target = targets.getOrDefault(path, fallback.orElse("nothing"));
        if (!target.startsWith(BUCKET_BACKEND + ".")) {
          report.fail(where + ": \"" + path + "\" goes to " + target + ", not to the console's backend bucket");
        }
      }
      // Without a network endpoint group for the gateway no path can reach it: reported above, once.
      boolean gatewayServed = tf.resources(NEG).values().stream()
          .anyMatch(neg -> Terraform.references(Terraform.at(neg, "cloud_run", "service").asText()).contains(REALTIME));
      for (String path : gatewayServed ? SOCKET_PATHS : List.<String>of()) {
        String target = targets.getOrDefault(path, fallback.orElse("nothing"));
        if (!serves(tf, target, REALTIME)) {
          report.fail(where + ": \"" + path + "\" goes to " + target + ", not to the backend service of " + REALTIME);
        }
      }
      targets.forEach((path, target) -> {
        if (target.startsWith(BUCKET_BACKEND + ".") && !CONSOLE_PATHS.contains(path)) {
          report.fail(where + ": \"" + path + "\" goes to the console's " + target + "; only " + CONSOLE_PATHS
              + " are the console's, every API path goes to the api");
        }
      });
    }
  }

  /** Whether a backend service's group is the serverless NEG of the api function. */
  private static boolean servesTheApi(Terraform tf, String backendAddress) {
    return serves(tf, backendAddress, API);
  }

  /** Whether a backend service's group is the serverless NEG of {@code deployable} (a resource address). */
  private static boolean serves(Terraform tf, String backendAddress, String deployable) {
    if (!backendAddress.startsWith(BACKEND + ".")) {
      return false;
    }
    return tf.resource(BACKEND, backendAddress.substring(BACKEND.length() + 1))
        .flatMap(backend -> Terraform.firstReference(Terraform.at(backend, "backend", "group").asText()))
        .filter(neg -> neg.startsWith(NEG + "."))
        .flatMap(neg -> tf.resource(NEG, neg.substring(NEG.length() + 1)))
        .filter(neg -> Terraform.references(Terraform.at(neg, "cloud_run", "service").asText()).contains(deployable))
        .isPresent();
  }

  private static boolean bansPerClient(JsonNode policy) {
    for (JsonNode rule : policy.path("rule")) {
      if (rule.path("action").asText().equals("rate_based_ban")) {
        return true;
      }
    }
    return false;
  }

  private static String text(JsonNode node, String unset) {
    return node.isMissingNode() || node.isNull() ? unset : node.asText();
  }
}
