# Provider pins. Exact versions, never ranges: a provider upgrade is a reviewed change.
# `terraform init` in an environment root writes .terraform.lock.hcl; commit it.
terraform {
  required_version = ">= 1.6.0"

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
