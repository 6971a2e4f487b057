# The pages that read outputs through their signed URLs with fetch (a download, a canvas): the
# allowed origins, and the domain's own pages (the console behind the load balancer), since the
# bucket is another origin for them. An <img src> needs no CORS. A signed URL is the credential:
# CORS only lets these pages read what they could already open.
locals {
  bucket_cors_origins = distinct(concat(var.allowed_origins, var.domain == "" ? [] : ["https://${var.domain}"]))
}

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

  # Reads only: signed URLs are GETs (uploads go through the api). response_header is both what a
  # page may send (Range, for seeking in a video) and what it may read.
  dynamic "cors" {
    for_each = length(local.bucket_cors_origins) == 0 ? [] : [local.bucket_cors_origins]
    content {
      origin          = cors.value
      method          = ["GET", "HEAD"]
      response_header = ["Content-Type", "Content-Length", "Content-Disposition", "Content-Range", "ETag", "Range"]
      max_age_seconds = 3600
    }
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

  # Browsers uploading through POST /api/v2/models/uploads (docs/MODELS.md): the signed POST that
  # starts the resumable session, then the PUTs of the bytes; the session URI is in Location. A
  # signed URL is the credential: CORS only lets these pages send what they could already send.
  dynamic "cors" {
    for_each = length(local.bucket_cors_origins) == 0 ? [] : [local.bucket_cors_origins]
    content {
      origin          = cors.value
      method          = ["POST", "PUT"]
      response_header = ["Content-Type", "Content-Range", "Range", "Location", "x-goog-resumable", "x-goog-content-length-range"]
      max_age_seconds = 3600
    }
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
