# The realtime gateway: ComfyUI's /ws as a Cloud Run service (a WebSocket needs a long-lived
# request, which a function cannot hold). Session affinity keeps a reconnecting client on the same
# instance; the request timeout (3600 s, the maximum) is how long one WebSocket may stay open.
# With a domain, it takes traffic only through the load balancer (Cloud Armor, edge.tf), as the api.
resource "google_cloud_run_v2_service" "realtime" {
  project             = var.project_id
  name                = "${local.name}-realtime"
  location            = var.region
  ingress             = local.edge == 1 ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : "INGRESS_TRAFFIC_ALL"
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
        name  = "JAVA_TOOL_OPTIONS"
        value = local.jvm_startup_options
      }
      env {
        name  = "FIRESTORE_ENABLE_TRACING"
        value = local.firestore_tracing
      }
      env {
        name  = "JOBS_COLLECTION"
        value = local.jobs_collection
      }
      # Sockets: single-use tickets (issued by the api), limits, credential recheck.
      env {
        name  = "STREAM_TICKETS_COLLECTION"
        value = local.stream_tickets_collection
      }
      env {
        name  = "MAX_SOCKETS_PER_USER"
        value = tostring(var.max_sockets_per_user)
      }
      env {
        name  = "MAX_SOCKETS_PER_INSTANCE"
        value = tostring(var.max_sockets_per_instance)
      }
      env {
        name  = "STREAM_RECHECK_SECONDS"
        value = tostring(var.stream_recheck_seconds)
      }
      # Authentication, as the api's: ID tokens, or API keys looked up in the ledger's database.
      env {
        name  = "DARKROOM_AUTH"
        value = "on"
      }
      env {
        name  = "DEFAULT_TIER"
        value = var.default_tier
      }
      env {
        name  = "API_KEYS_WITHOUT_CHECK"
        value = var.api_keys_without_check
      }
      # Pages that may open /ws: the api's allowed origins, and (with authentication on) the gateway's own host.
      env {
        name  = "ALLOWED_ORIGINS"
        value = join(",", var.allowed_origins)
      }
      env {
        name = "API_KEY_PEPPER"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.api_key_pepper.secret_id
            version = "latest"
          }
        }
      }
      env {
        name  = "INSTANCE_CONNECTION_NAME"
        value = google_sql_database_instance.ledger.connection_name
      }
      env {
        name  = "DB_NAME"
        value = google_sql_database.ledger.name
      }
      env {
        name  = "DB_USER"
        value = google_sql_user.ledger.name
      }
      env {
        name  = "DB_POOL_SIZE"
        value = tostring(var.db_pool_size)
      }
      env {
        name = "DB_PASSWORD"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.db_password.secret_id
            version = "latest"
          }
        }
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
