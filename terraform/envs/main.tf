# The root every environment shares: providers, the state backend and one call of the darkroom
# module. What differs per environment is in envs/<env>/: terraform.tfvars (sizes, ownership,
# protection) and backend.hcl (the state prefix). Cloud Build runs, in terraform/envs:
#   terraform init -backend-config=<env>/backend.hcl -backend-config=bucket=<state bucket>
#   terraform apply -var-file=<env>/terraform.tfvars -var project_id=... -var source_version=$SHORT_SHA
# (cloudbuild.yaml; by hand: docs/OPERATIONS.md, "Deploy from scratch").
terraform {
  required_version = ">= 1.6.0"

  # State in a bucket made once per project, by hand (docs/OPERATIONS.md, "Deploy from scratch"):
  # a partial configuration, completed by -backend-config (envs/<env>/backend.hcl: the prefix).
  backend "gcs" {}

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

variable "allowed_origins" {
  description = "Web origins whose pages may use Darkroom from a browser (https://app.example.com); the module validates them."
  type        = list(string)
  default     = []
}

variable "budget_billing_account" {
  description = "Billing account for the budget; empty for none."
  type        = string
  default     = ""
}

variable "prefix" {
  description = "The environment's name, prepended to every resource name (envs/<env>/terraform.tfvars: the directory's name)."
  type        = string
}

variable "budget_amount_units" {
  description = "Monthly budget, in whole units of the billing account's currency."
  type        = number
}

variable "manage_firestore_database" {
  description = "Whether this environment owns the project's (default) Firestore database (exactly one per project)."
  type        = bool
}

variable "deletion_protection" {
  description = "Deletion protection on Cloud SQL, Firestore, the GPU job and the realtime service."
  type        = bool
}

variable "api_min_instances" {
  description = "Warm api instances."
  type        = number
}

variable "sql_tier" {
  description = "Cloud SQL machine tier."
  type        = string
}

variable "sql_availability_type" {
  description = "ZONAL or REGIONAL (high availability)."
  type        = string
}

variable "inbound_integrations" {
  description = "Integrations that start deployment runs by publishing on an inbound topic of their own (the module's variable of the same name says the shape)."
  type = map(object({
    user         = string
    publisher    = string
    tier         = optional(string)
    reply_topics = optional(list(string), [])
  }))
  default = {}
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
  source = "../modules/darkroom"

  project_id             = var.project_id
  region                 = var.region
  prefix                 = var.prefix
  source_version         = var.source_version
  alert_email            = var.alert_email
  domain                 = var.domain
  allowed_origins        = var.allowed_origins
  budget_billing_account = var.budget_billing_account
  budget_amount_units    = var.budget_amount_units

  manage_firestore_database = var.manage_firestore_database
  deletion_protection       = var.deletion_protection
  api_min_instances         = var.api_min_instances
  sql_tier                  = var.sql_tier
  sql_availability_type     = var.sql_availability_type
  inbound_integrations      = var.inbound_integrations
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

output "ledger_migration" {
  description = "The ledger database Cloud Build's migrate-ledger step migrates (LedgerMigrationMain)."
  value       = module.darkroom.ledger_migration
}

output "event_functions" {
  description = "Event functions and their dead-letter topics (scripts/attach-dead-letters.sh)."
  value       = module.darkroom.event_functions
}

output "outputs_bucket" {
  description = "Bucket of inputs/, outputs/ and the node catalog (Cloud Build's publish-catalog step)."
  value       = module.darkroom.outputs_bucket
}

output "inbound_topics" {
  description = "Each integration's inbound topic, where it publishes run messages."
  value       = module.darkroom.inbound_topics
}

output "run_reply_publishers" {
  description = "The accounts each reply topic's owner grants roles/pubsub.publisher."
  value       = module.darkroom.run_reply_publishers
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

output "console_bucket" {
  description = "Where Cloud Build's console-upload step puts the console (only with a domain, else null)."
  value       = module.darkroom.console_bucket
}
