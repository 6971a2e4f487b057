# The ledger: Cloud SQL for PostgreSQL 15. Functions reach it only through the Cloud SQL Java
# connector (socket factory), which authorizes by IAM (roles/cloudsql.client) and encrypts: the
# instance has a public address but no authorized networks, so nothing else can connect.
# (Private IP would need a VPC and Direct VPC egress on every function; see terraform/README.md.)
resource "google_sql_database_instance" "ledger" {
  project             = var.project_id
  name                = "${local.name}-ledger"
  region              = var.region
  database_version    = "POSTGRES_15"
  deletion_protection = var.deletion_protection

  settings {
    tier                        = var.sql_tier
    availability_type           = var.sql_availability_type
    disk_autoresize             = true
    deletion_protection_enabled = var.deletion_protection
    user_labels                 = local.labels

    ip_configuration {
      ipv4_enabled = true
      ssl_mode     = "ENCRYPTED_ONLY"
    }

    # Daily backups kept 14 days, with write-ahead logs for point-in-time recovery over 7 days.
    backup_configuration {
      enabled                        = true
      start_time                     = "03:00"
      point_in_time_recovery_enabled = true
      transaction_log_retention_days = 7
      backup_retention_settings {
        retained_backups = 14
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = 7
      hour         = 4
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled = true
    }

    database_flags {
      name  = "max_connections"
      value = "200"
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_sql_database" "ledger" {
  project  = var.project_id
  instance = google_sql_database_instance.ledger.name
  name     = local.db_name
}

resource "google_sql_user" "ledger" {
  project  = var.project_id
  instance = google_sql_database_instance.ledger.name
  name     = local.db_user
  password = random_password.db.result
}
