# Imports of model files from URLs (POST /api/v2/models/imports): the api records the import and
# runs this job, whose one task streams the file into the models bucket with a resumable upload;
# the bucket's finalize event then has the models function check it like any other file. Sized
# for multi-GB downloads: the file streams through (one 16 MiB upload chunk in memory), so the
# task needs little memory but a long timeout. Everything the import needs is in this file.

variable "model_import_cpu" {
  description = "vCPUs of an import task (TLS in, TLS out: one is enough for a few hundred MB/s)."
  type        = string
  default     = "1"
}

variable "model_import_memory" {
  description = "Memory of an import task: the JVM, one upload chunk and the download's buffers, whatever the file's size."
  type        = string
  default     = "1Gi"
}

variable "model_import_timeout_seconds" {
  description = "Timeout of one import task attempt. 3 h fetch 50 GiB at ~5 MB/s; the job stops its download a minute before (MODEL_IMPORT_TIMEOUT_SECONDS) to record why."
  type        = number
  default     = 10800

  validation {
    condition     = var.model_import_timeout_seconds >= 600 && var.model_import_timeout_seconds <= 86400
    error_message = "model_import_timeout_seconds must be between 600 and 86400."
  }
}

variable "model_import_max_retries" {
  description = "Cloud Run retries of an import task that failed in a way a retry may cure (a 5xx, a cut connection); a retry starts the download over."
  type        = number
  default     = 2
}

variable "model_import_max_gib" {
  description = "The largest model file an import fetches, in GiB."
  type        = number
  default     = 64
}

locals {
  model_import_image = "${local.image_repository}/model-import:${var.source_version}"
}

resource "google_service_account" "model_import" {
  project      = var.project_id
  account_id   = "${local.name}-model-import"
  display_name = "Darkroom ${var.prefix} model import job"
}

# The key that seals hub tokens between the api (seals) and the job (opens); an operator gives it a
# value like the webhook secrets key (secrets.tf): at least 32 random bytes.
resource "google_secret_manager_secret" "model_import_tokens_key" {
  project   = var.project_id
  secret_id = "${local.name}-model-import-tokens-key"
  labels    = local.labels
  replication {
    auto {}
  }
  depends_on = [google_project_service.enabled]
}

resource "google_cloud_run_v2_job" "model_import" {
  project             = var.project_id
  name                = "${local.name}-model-import"
  location            = var.region
  deletion_protection = var.deletion_protection
  labels              = local.labels

  template {
    task_count  = 1
    parallelism = 1

    template {
      service_account = google_service_account.model_import.email
      timeout         = "${var.model_import_timeout_seconds}s"
      max_retries     = var.model_import_max_retries

      containers {
        image = local.model_import_image

        resources {
          limits = {
            cpu    = var.model_import_cpu
            memory = var.model_import_memory
          }
        }

        # DARKROOM_MODEL_FOLDER, _NAME and _IMPORT_ID come from the api's overrides, per execution.
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
          name  = "MODELS_BUCKET"
          value = google_storage_bucket.models.name
        }
        env {
          name  = "MODELS_COLLECTION"
          value = local.models_collection
        }
        env {
          name  = "MODEL_IMPORT_MAX_GIB"
          value = tostring(var.model_import_max_gib)
        }
        env {
          name  = "MODEL_IMPORT_TIMEOUT_SECONDS"
          value = tostring(var.model_import_timeout_seconds - 60)
        }
        env {
          name  = "MODEL_IMPORT_PROGRESS_SECONDS"
          value = "5"
        }
        env {
          name = "MODEL_IMPORT_TOKENS_KEY"
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.model_import_tokens_key.secret_id
              version = "latest"
            }
          }
        }
      }
    }
  }

  lifecycle {
    # The api's executions are not Terraform's business; only the template is.
    ignore_changes = [client, client_version]
  }

  depends_on = [google_project_service.enabled]
}

# ---- model import job: modelStore, modelFileUploads (the models bucket only), the tokens key ----

resource "google_project_iam_member" "model_import_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.model_import.email}"
}

# Creates (and replaces) objects of the models bucket; no other bucket.
resource "google_storage_bucket_iam_member" "model_import_writes_models" {
  bucket = google_storage_bucket.models.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.model_import.email}"
}

resource "google_secret_manager_secret_iam_member" "model_import_tokens_key" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.model_import_tokens_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.model_import.email}"
}

# ---- api: runs the import job with overrides, as its service account, and seals tokens ----

resource "google_cloud_run_v2_job_iam_member" "api_runs_model_import" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.model_import.name
  role     = "roles/run.developer"
  member   = "serviceAccount:${google_service_account.api.email}"
}

resource "google_service_account_iam_member" "api_acts_as_model_import" {
  service_account_id = google_service_account.model_import.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.api.email}"
}

resource "google_secret_manager_secret_iam_member" "api_model_import_tokens_key" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.model_import_tokens_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.api.email}"
}
