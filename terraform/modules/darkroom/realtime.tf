# The realtime gateway: ComfyUI's /ws as a Cloud Run service (a WebSocket needs a long-lived
# request, which a function cannot hold). Session affinity keeps a reconnecting client on the same
# instance; the request timeout (3600 s, the maximum) is how long one WebSocket may stay open.
resource "google_cloud_run_v2_service" "realtime" {
  project             = var.project_id
  name                = "${local.name}-realtime"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = var.deletion_protection
  labels              = local.labels

  template {
    service_account                  = google_service_account.realtime.email
    timeout                          = "3600s"
    session_affinity                 = true
    max_instance_request_concurrency = 500

    scaling {
      min_instance_count = 0
      max_instance_count = var.realtime_max_instances
    }

    # PORT and K_SERVICE are set by Cloud Run.
    containers {
      image = local.realtime_image

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        # Listeners push Firestore changes to open sockets between requests.
        cpu_idle = false
      }

      env {
        name  = "GOOGLE_CLOUD_PROJECT"
        value = var.project_id
      }
      env {
        name  = "JOBS_COLLECTION"
        value = local.jobs_collection
      }

      startup_probe {
        tcp_socket {
          port = 8080
        }
      }
    }
  }

  depends_on = [google_project_service.enabled]
}
