# Every minute, a tick on reconcile-ticks; the reconcile function (Eventarc trigger) sweeps stuck,
# lost and timed-out jobs. Cloud Scheduler publishes as its own service agent.
resource "google_cloud_scheduler_job" "reconcile" {
  project     = var.project_id
  name        = "${local.name}-reconcile"
  region      = var.region
  description = "Darkroom ${var.prefix}: one reconcile sweep per minute"
  schedule    = "* * * * *"
  time_zone   = "Etc/UTC"

  pubsub_target {
    topic_name = google_pubsub_topic.reconcile_ticks.id
    data       = base64encode("{\"source\":\"scheduler\"}")
  }

  retry_config {
    retry_count = 0
  }

  depends_on = [google_project_service.enabled]
}
