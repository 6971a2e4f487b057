# The prod environment: one call of the darkroom module. Cloud Build runs
#   terraform -chdir=terraform/envs/prod init && terraform -chdir=terraform/envs/prod apply
# with -var project_id=... -var source_version=$SHORT_SHA (cloudbuild.yaml, cloudbuild.prod.yaml).
terraform {
  required_version = ">= 1.6.0"

  # State in a bucket made once per project, by hand (docs/OPERATIONS.md, "Deploy from scratch").
  backend "gcs" {
    prefix = "darkroom/prod"
  }

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "6.50.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "6.50.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "3.7.2"
    }
  }
}

variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "region" {
  description = "Region (a Cloud Run GPU region; the module validates it)."
  type        = string
  default     = "us-central1"
}

variable "source_version" {
  description = "The build to deploy (Cloud Build's $SHORT_SHA)."
  type        = string
}

variable "alert_email" {
  description = "On-call address for alerts; empty for none."
  type        = string
  default     = ""
}

variable "domain" {
  description = "DNS name for ComfyUI clients (HTTP and /ws on one host, behind an HTTPS load balancer); empty for none."
  type        = string
  default     = ""
}

variable "budget_billing_account" {
  description = "Billing account for the budget; empty for none."
  type        = string
  default     = ""
}

provider "google" {
  project = var.project_id
  region  = var.region
}

provider "google-beta" {
  project = var.project_id
  region  = var.region
}

module "darkroom" {
  source = "../../modules/darkroom"

  project_id             = var.project_id
  region                 = var.region
  prefix                 = "prod"
  source_version         = var.source_version
  alert_email            = var.alert_email
  domain                 = var.domain
  budget_billing_account = var.budget_billing_account
  budget_amount_units    = 2000

  # prod owns the project's (default) Firestore database, its PITR and backups.
  manage_firestore_database = true
  deploy_pending_functions  = false
  deletion_protection       = true
  api_min_instances         = 1
  sql_tier                  = "db-custom-2-7680"
  sql_availability_type     = "REGIONAL"
}

output "api_url" {
  description = "ComfyUI's HTTP API."
  value       = module.darkroom.api_url
}

output "realtime_url" {
  description = "ComfyUI's /ws (wss://<host>/ws)."
  value       = module.darkroom.realtime_url
}

output "function_sources_bucket" {
  description = "Where Cloud Build uploads function zips."
  value       = module.darkroom.function_sources_bucket
}

output "image_repository" {
  description = "Where Cloud Build pushes images."
  value       = module.darkroom.image_repository
}

output "event_functions" {
  description = "Event functions and their dead-letter topics (scripts/attach-dead-letters.sh)."
  value       = module.darkroom.event_functions
}

output "models_bucket" {
  description = "Model weights bucket."
  value       = module.darkroom.models_bucket
}

output "comfyui_url" {
  description = "Where ComfyUI clients connect (one host for HTTP and /ws when domain is set)."
  value       = module.darkroom.comfyui_url
}

output "edge_ip" {
  description = "Point the domain's A record here (only when domain is set)."
  value       = module.darkroom.edge_ip
}
