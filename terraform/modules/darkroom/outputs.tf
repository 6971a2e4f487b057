output "api_url" {
  description = "The api function's URL: ComfyUI's HTTP API (POST /prompt, GET /history, ...)."
  value       = google_cloudfunctions2_function.api.service_config[0].uri
}

output "realtime_url" {
  description = "The realtime gateway's URL; ComfyUI's /ws is served at <realtime_url>/ws (wss://)."
  value       = google_cloud_run_v2_service.realtime.uri
}

output "gpu_job_name" {
  description = "The GPU job, as dispatch names it (GPU_JOB_NAME)."
  value       = google_cloud_run_v2_job.gpu.id
}

output "outputs_bucket" {
  description = "Bucket of inputs/ and outputs/."
  value       = google_storage_bucket.outputs.name
}

output "models_bucket" {
  description = "Upload model weights here (checkpoints/, loras/, vae/, ... as in gpu-job-image/extra_model_paths.yaml)."
  value       = google_storage_bucket.models.name
}

output "function_sources_bucket" {
  description = "Where Cloud Build uploads <source_version>/<function>.zip."
  value       = google_storage_bucket.function_sources.name
}

output "image_repository" {
  description = "Artifact Registry path images are pushed to."
  value       = local.image_repository
}

output "ledger_instance" {
  description = "Cloud SQL instance connection name (project:region:instance)."
  value       = google_sql_database_instance.ledger.connection_name
}

output "ledger_migration" {
  description = "Where Cloud Build's migrate-ledger step migrates the ledger's schema before the functions are deployed (LedgerMigrationMain; the functions never migrate)."
  value = {
    instance_connection_name = google_sql_database_instance.ledger.connection_name
    db_name                  = google_sql_database.ledger.name
    db_user                  = google_sql_user.ledger.name
    db_password_secret       = google_secret_manager_secret.db_password.secret_id
  }
}

output "event_functions" {
  description = "Functions behind Eventarc triggers and their dead-letter topics, for scripts/attach-dead-letters.sh."
  value = merge({
    (google_cloudfunctions2_function.dispatch.name)   = google_pubsub_topic.job_submitted_dead_letter.id
    (google_cloudfunctions2_function.job_events.name) = google_pubsub_topic.job_events_dead_letter.id
    (google_cloudfunctions2_function.thumbnails.name) = google_pubsub_topic.outputs_finalized_dead_letter.id
    (google_cloudfunctions2_function.notify.name)     = google_pubsub_topic.notifications_dead_letter.id
    (google_cloudfunctions2_function.models.name)     = google_pubsub_topic.models_finalized_dead_letter.id
  }, { for key, fn in google_cloudfunctions2_function.runs : fn.name => google_pubsub_topic.runs_dead_letter[key].id })
}

output "inbound_topics" {
  description = "Each integration's inbound topic (var.inbound_integrations): where it publishes run messages."
  value       = { for key, topic in google_pubsub_topic.runs : key => topic.id }
}

output "run_reply_publishers" {
  description = "The accounts that publish to integrations' reply topics (refusals: runs; jobs' ends: notify). Each reply topic's owner grants them roles/pubsub.publisher on it."
  value       = ["serviceAccount:${google_service_account.runs.email}", "serviceAccount:${google_service_account.notify.email}"]
}

output "dashboard_id" {
  description = "The Cloud Monitoring dashboard."
  value       = google_monitoring_dashboard.darkroom.id
}

output "edge_ip" {
  description = "The load balancer's address (only with var.domain): point the domain's A record here."
  value       = var.domain == "" ? null : google_compute_global_address.edge[0].address
}

output "comfyui_url" {
  description = "Where ComfyUI clients connect: https://<domain> (HTTP and /ws on one host) with var.domain, else api_url (and /ws at realtime_url)."
  value       = var.domain == "" ? google_cloudfunctions2_function.api.service_config[0].uri : "https://${var.domain}"
}

output "console_bucket" {
  description = "The console's static files (console.tf; only with var.domain, else null): Cloud Build uploads clients/console/dist and console/config.json here, served at https://<domain>/."
  value       = var.domain == "" ? null : google_storage_bucket.console[0].name
}
