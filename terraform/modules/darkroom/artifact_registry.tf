# Container images: the GPU job (CUDA + ComfyUI + runner) and the realtime gateway.
resource "google_artifact_registry_repository" "images" {
  project       = var.project_id
  location      = var.region
  repository_id = "${local.name}-images"
  format        = "DOCKER"
  description   = "Darkroom images (${var.prefix}): gpu-job, realtime"
  labels        = local.labels

  # Images are tagged by commit; keep the newest 20 of each and anything younger than 30 days,
  # so a rollback to a recent build always finds its image.
  cleanup_policy_dry_run = false
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 20
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "2592000s"
    }
  }

  depends_on = [google_project_service.enabled]
}
