# One HTTPS host for ComfyUI clients. They open /ws on the host they POST /prompt to, but the api
# is a function and /ws lives in the realtime gateway (a function cannot hold a WebSocket). A
# global external Application Load Balancer puts both behind one name: /ws to the gateway, / and
# /console/* to the console's bucket (console.tf), everything else to the api, as the local stack's
# edge does on 127.0.0.1:8188.
#
# Created only when var.domain is set: Google's managed certificate needs a name. After apply,
# point an A record for the domain at output edge_ip; the certificate turns ACTIVE within about
# an hour of the name resolving (docs/OPERATIONS.md). Without a domain, clients use api_url and
# realtime_url separately.
#
# With it, the load balancer is the only way in: the api and the realtime service take traffic
# from it alone (their ingress settings), and Cloud Armor bans an IP that floods it (every
# backend service carries the policy below). terraform/checks' EdgeCheck holds both.

locals {
  edge = var.domain == "" ? 0 : 1
}

resource "google_compute_global_address" "edge" {
  count      = local.edge
  project    = var.project_id
  name       = "${local.name}-edge"
  depends_on = [google_project_service.enabled]
}

# Serverless network endpoint groups: a 2nd gen function is served by a Cloud Run service of its own.
resource "google_compute_region_network_endpoint_group" "api" {
  count                 = local.edge
  project               = var.project_id
  name                  = "${local.name}-api"
  region                = var.region
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    service = google_cloudfunctions2_function.api.service_config[0].service
  }
}

resource "google_compute_region_network_endpoint_group" "realtime" {
  count                 = local.edge
  project               = var.project_id
  name                  = "${local.name}-realtime"
  region                = var.region
  network_endpoint_type = "SERVERLESS"
  cloud_run {
    service = google_cloud_run_v2_service.realtime.name
  }
}

# Request timeouts are the services' own (api 3600 s for event streams, realtime 3600 s for
# sockets): a serverless backend takes no timeout of the load balancer's.
resource "google_compute_backend_service" "api" {
  count                 = local.edge
  project               = var.project_id
  name                  = "${local.name}-api"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  backend {
    group = google_compute_region_network_endpoint_group.api[0].id
  }
  security_policy = google_compute_security_policy.edge[0].id
  log_config {
    enable      = true
    sample_rate = 1
  }
}

resource "google_compute_backend_service" "realtime" {
  count                 = local.edge
  project               = var.project_id
  name                  = "${local.name}-realtime"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  backend {
    group = google_compute_region_network_endpoint_group.realtime[0].id
  }
  security_policy = google_compute_security_policy.edge[0].id
  log_config {
    enable      = true
    sample_rate = 1
  }
}

# Per client IP, over every backend: past edge_requests_per_ip_per_minute, 429 for
# edge_ban_seconds. A coarse flood guard in front of the application's own limits (per user, per
# key, failed authentications per address), which count what Cloud Armor cannot see.
resource "google_compute_security_policy" "edge" {
  count       = local.edge
  project     = var.project_id
  name        = "${local.name}-edge"
  description = "Rate-based ban per client IP in front of the api and the realtime gateway"
  type        = "CLOUD_ARMOR"

  rule {
    action      = "rate_based_ban"
    priority    = 1000
    description = "Ban an IP that sends more than edge_requests_per_ip_per_minute"
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
    rate_limit_options {
      conform_action   = "allow"
      exceed_action    = "deny(429)"
      enforce_on_key   = "IP"
      ban_duration_sec = var.edge_ban_seconds
      rate_limit_threshold {
        count        = var.edge_requests_per_ip_per_minute
        interval_sec = 60
      }
    }
  }

  rule {
    action      = "allow"
    priority    = 2147483647
    description = "Everything else"
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}

resource "google_compute_url_map" "edge" {
  count           = local.edge
  project         = var.project_id
  name            = "${local.name}-edge"
  default_service = google_compute_backend_service.api[0].id

  host_rule {
    hosts        = [var.domain]
    path_matcher = "comfyui"
  }

  path_matcher {
    name            = "comfyui"
    default_service = google_compute_backend_service.api[0].id
    # ComfyUI serves its socket at /ws and /api/ws (its frontend uses the latter); the local edge routes both.
    path_rule {
      paths   = ["/ws", "/api/ws"]
      service = google_compute_backend_service.realtime[0].id
    }
    # The console (console.tf): exactly "/" and everything under /console/, paths no API route uses.
    # Every other path, the ComfyUI routes and /api/..., stays with the api (default_service).
    path_rule {
      paths   = ["/", "/console/*"]
      service = google_compute_backend_bucket.console[0].id
    }
  }
}

resource "google_compute_managed_ssl_certificate" "edge" {
  count   = local.edge
  project = var.project_id
  name    = "${local.name}-edge"
  managed {
    domains = [var.domain]
  }
}

resource "google_compute_target_https_proxy" "edge" {
  count            = local.edge
  project          = var.project_id
  name             = "${local.name}-edge"
  url_map          = google_compute_url_map.edge[0].id
  ssl_certificates = [google_compute_managed_ssl_certificate.edge[0].id]
}

resource "google_compute_global_forwarding_rule" "edge_https" {
  count                 = local.edge
  project               = var.project_id
  name                  = "${local.name}-edge-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.edge[0].id
  port_range            = "443"
  target                = google_compute_target_https_proxy.edge[0].id
}

# Plain HTTP on the same address only redirects to HTTPS.
resource "google_compute_url_map" "edge_redirect" {
  count   = local.edge
  project = var.project_id
  name    = "${local.name}-edge-redirect"
  default_url_redirect {
    https_redirect = true
    strip_query    = false
  }
}

resource "google_compute_target_http_proxy" "edge_redirect" {
  count   = local.edge
  project = var.project_id
  name    = "${local.name}-edge-redirect"
  url_map = google_compute_url_map.edge_redirect[0].id
}

resource "google_compute_global_forwarding_rule" "edge_http" {
  count                 = local.edge
  project               = var.project_id
  name                  = "${local.name}-edge-http"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.edge[0].id
  port_range            = "80"
  target                = google_compute_target_http_proxy.edge_redirect[0].id
}
