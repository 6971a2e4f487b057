# The GPU job: each task runs gpu-job-image (CUDA + ComfyUI + the runner) on one NVIDIA L4.
# dispatch launches executions with runJob and overrides (DARKROOM_JOB_IDS, task count), so the job's
# own template is the defaults every execution starts from.
locals {
  # One value for Cloud Run's task timeout and the runner's TASK_TIMEOUT_SECONDS, so the runner stops
  # claiming work before Cloud Run kills the task. terraform/checks verifies both use it.
  gpu_task_timeout_seconds = var.gpu_task_timeout_seconds
}

resource "google_cloud_run_v2_job" "gpu" {
  provider = google-beta

  project             = var.project_id
  name                = "${local.name}-gpu"
  location            = var.region
  launch_stage        = "BETA"
  deletion_protection = var.deletion_protection
  labels              = local.labels

  template {
    task_count  = 1
    parallelism = 1

    template {
      service_account = google_service_account.runner.email
      timeout         = "${local.gpu_task_timeout_seconds}s"
      max_retries     = var.gpu_job_max_retries

      node_selector {
        accelerator = "nvidia-l4"
      }
      # Zonal redundancy costs more GPU quota; a failed task is retried and its jobs handed back.
      gpu_zonal_redundancy_disabled = true

      containers {
        image = local.gpu_image

        resources {
          limits = {
            cpu              = var.gpu_job_cpu
            memory           = var.gpu_job_memory
            "nvidia.com/gpu" = "1"
          }
        }

        # COMFYUI_COMMAND and COMFYUI_URL come from the image (gpu-job-image/Dockerfile);
        # DARKROOM_JOB_IDS and DARKROOM_GPU_SLOT from dispatch's overrides; CLOUD_RUN_* from Cloud Run.
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
        env {
          name  = "GPU_SLOTS_COLLECTION"
          value = local.gpu_slots_collection
        }
        env {
          name  = "TIER_CONCURRENCY"
          value = var.tier_concurrency
        }
        env {
          name  = "OUTPUTS_BUCKET"
          value = google_storage_bucket.outputs.name
        }
        env {
          name  = "JOB_EVENTS_TOPIC"
          value = google_pubsub_topic.job_events.name
        }
        env {
          name  = "JOB_SUBMITTED_TOPIC"
          value = google_pubsub_topic.job_submitted.name
        }
        env {
          name  = "TASK_TIMEOUT_SECONDS"
          value = tostring(local.gpu_task_timeout_seconds)
        }
        env {
          name  = "DEADLINE_MARGIN_SECONDS"
          value = tostring(var.deadline_margin_seconds)
        }
        env {
          name  = "PROMPT_IDLE_TIMEOUT_SECONDS"
          value = tostring(var.prompt_idle_timeout_seconds)
        }
        env {
          name  = "COMFYUI_READY_TIMEOUT_SECONDS"
          value = tostring(var.comfyui_ready_timeout_seconds)
        }
        env {
          name  = "HEARTBEAT_SECONDS"
          value = tostring(var.heartbeat_seconds)
        }
        env {
          name  = "DRAIN_IDLE_SECONDS"
          value = tostring(var.drain_idle_seconds)
        }
        env {
          name  = "WARM_IDLE_BUDGET_SECONDS"
          value = var.warm_idle_budget_seconds == null ? "" : tostring(var.warm_idle_budget_seconds)
        }
        env {
          name  = "WARM_SCHEDULE"
          value = var.warm_schedule
        }
        env {
          name  = "WARM_GRACE_SECONDS"
          value = tostring(var.warm_grace_seconds)
        }
        env {
          name  = "GPU_TASK_CAP"
          value = tostring(var.gpu_task_cap)
        }

        volume_mounts {
          name       = "models"
          mount_path = "/mnt/models"
        }
      }

      # Cloud Storage FUSE: models are read on demand, never baked into the image. Each load's time,
      # file and size is a runner log line (modelLoadSeconds); docs/MODELS.md, "Load time".
      volumes {
        name = "models"
        gcs {
          bucket        = google_storage_bucket.models.name
          read_only     = true
          mount_options = var.models_mount_options
        }
      }
    }
  }

  lifecycle {
    # dispatch's executions are not Terraform's business; only the template is.
    ignore_changes = [client, client_version]
  }

  depends_on = [google_project_service.enabled]
}
