# One bucket for what users upload and what jobs produce: inputs/{user}/..., outputs/{user}/{job}/...
# and their previews thumbnails/{user}/{job}/... (functions/thumbnails), plus catalog/object_info.json
# (the node catalog the runner publishes).
# Clients only ever get short-lived signed URLs, never bucket access.
resource "google_storage_bucket" "outputs" {
  project                     = var.project_id
  name                        = "${local.bucket_prefix}-outputs"
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels

  # Deleted or overwritten objects stay restorable for a while (disaster recovery, docs/OPERATIONS.md).
  soft_delete_policy {
    retention_duration_seconds = var.soft_delete_retention_days * 86400
  }

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      age            = var.outputs_retention_days
      matches_prefix = ["outputs/"]
    }
    action {
      type = "Delete"
    }
  }

  # Previews go when the outputs they show do.
  lifecycle_rule {
    condition {
      age            = var.outputs_retention_days
      matches_prefix = ["thumbnails/"]
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age            = var.outputs_retention_days
      matches_prefix = ["inputs/"]
    }
    action {
      type = "Delete"
    }
  }

  # Versioning keeps noncurrent copies; drop them after a week so storage does not double.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }
}

# Model weights, mounted read-only into each GPU task at /mnt/models (gpu-job-image/extra_model_paths.yaml).
# Adding a model is an upload here, not an image rebuild.
resource "google_storage_bucket" "models" {
  project                     = var.project_id
  name                        = "${local.bucket_prefix}-models"
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels

  soft_delete_policy {
    retention_duration_seconds = 7 * 86400
  }
}

# Function source zips, uploaded by Cloud Build under <source_version>/<function>.zip.
resource "google_storage_bucket" "function_sources" {
  project                     = var.project_id
  name                        = "${local.bucket_prefix}-function-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  labels                      = local.labels

  # Old builds' zips are only needed for a rollback to them.
  lifecycle_rule {
    condition {
      age = 90
    }
    action {
      type = "Delete"
    }
  }
}
