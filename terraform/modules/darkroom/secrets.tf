# Secret Manager. Values never live in code or in tfvars:
# - the database password is generated here (so it sits in Terraform state: keep the state
#   bucket private) and rotated by bumping var.db_password_generation;
# - the API key pepper (API_KEY_PEPPER, read by api and realtime) is declared here and given its
#   value by an operator (docs/OPERATIONS.md, "Rotate secrets"): at least 32 random bytes. Changing
#   it invalidates every API key, so it is set once.
# - the SMTP password (SMTP_PASSWORD, read by notify) is declared here and given its value by an
#   operator; give it a version (any value) even while email is off (smtp_host empty), since the
#   function mounts "latest".
# - the webhook secrets key (WEBHOOK_SECRETS_KEY, read by notify and api) seals each webhook endpoint's
#   signing secrets in the database (AES-256-GCM); an operator gives it a value the same way, at
#   least 32 random bytes. It cannot be changed without re-sealing the endpoints' secrets.

variable "db_password_generation" {
  description = "Bump to generate a new database password (rotation): the user and a new secret version change together."
  type        = number
  default     = 1
}

resource "random_password" "db" {
  length  = 32
  special = false
  keepers = {
    generation = var.db_password_generation
  }
}

resource "google_secret_manager_secret" "db_password" {
  project   = var.project_id
  secret_id = "${local.name}-db-password"
  labels    = local.labels
  replication {
    auto {}
  }
  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_version" "db_password" {
  secret      = google_secret_manager_secret.db_password.id
  secret_data = random_password.db.result
}

resource "google_secret_manager_secret" "webhook_secrets_key" {
  project   = var.project_id
  secret_id = "${local.name}-webhook-secrets-key"
  labels    = local.labels
  replication {
    auto {}
  }
  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret" "api_key_pepper" {
  project   = var.project_id
  secret_id = "${local.name}-api-key-pepper"
  labels    = local.labels
  replication {
    auto {}
  }
  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret" "smtp_password" {
  project   = var.project_id
  secret_id = "${local.name}-smtp-password"
  labels    = local.labels
  replication {
    auto {}
  }
  depends_on = [google_project_service.enabled]
}
