# Topics, named as the code's defaults and the local stack name them (emulators/stack LocalStack),
# behind the environment's prefix. terraform/checks compares them.
#
#   job-submitted   api publishes JobSubmitted      -> dispatch (Eventarc trigger)
#   job-events      runner publishes JobEvent       -> job-events (Eventarc trigger)
#   notifications   job-events publishes terminals  -> notify (Eventarc trigger)
#   job-events-public  notify publishes CloudEvents -> integrations (subscribers outside Darkroom)
#   reconcile-ticks Cloud Scheduler, every minute   -> reconcile (Eventarc trigger)
#   job-submitted-dead-letter, job-events-dead-letter -> dead-letters (one Eventarc trigger each)
#   runs-<integration>  an integration publishes runs -> runs (one per var.inbound_integrations entry)
#
# Each triggered topic has <topic>-dead-letter, where Pub/Sub moves a message after
# local.max_delivery_attempts failed deliveries, and a pull subscription on it that keeps a copy for
# people. The dead letters of job-submitted and job-events are consumed by the dead-letters
# functions (functions.tf), which end the job they are about; those of notifications only alert.

locals {
  max_delivery_attempts = 5
  pubsub_service_agent  = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_pubsub_topic" "job_submitted" {
  project                    = var.project_id
  name                       = "${local.name}-job-submitted"
  labels                     = local.labels
  message_retention_duration = "86400s"
  depends_on                 = [google_project_service.enabled]
}

resource "google_pubsub_topic" "job_events" {
  project                    = var.project_id
  name                       = "${local.name}-job-events"
  labels                     = local.labels
  message_retention_duration = "86400s"
  depends_on                 = [google_project_service.enabled]
}

resource "google_pubsub_topic" "notifications" {
  project                    = var.project_id
  name                       = "${local.name}-notifications"
  labels                     = local.labels
  message_retention_duration = "86400s"
  depends_on                 = [google_project_service.enabled]
}

# CloudEvents 1.0 (structured JSON) for integrations: notify publishes one per ended job; other
# projects' subscribers get roles/pubsub.subscriber on it (not granted here).
resource "google_pubsub_topic" "job_events_public" {
  project                    = var.project_id
  name                       = "${local.name}-job-events-public"
  labels                     = local.labels
  message_retention_duration = "604800s"
  depends_on                 = [google_project_service.enabled]
}

resource "google_pubsub_topic" "reconcile_ticks" {
  project    = var.project_id
  name       = "${local.name}-reconcile-ticks"
  labels     = local.labels
  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_topic" "job_submitted_dead_letter" {
  project    = var.project_id
  name       = "${local.name}-job-submitted-dead-letter"
  labels     = local.labels
  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_topic" "job_events_dead_letter" {
  project    = var.project_id
  name       = "${local.name}-job-events-dead-letter"
  labels     = local.labels
  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_topic" "notifications_dead_letter" {
  project    = var.project_id
  name       = "${local.name}-notifications-dead-letter"
  labels     = local.labels
  depends_on = [google_project_service.enabled]
}

# Finalize events of the outputs bucket that the thumbnails function gave up on. Its trigger is a
# Cloud Storage one, but Eventarc still delivers through a Pub/Sub subscription of its own, which
# scripts/attach-dead-letters.sh finds and attaches this topic to, as for the others.
resource "google_pubsub_topic" "outputs_finalized_dead_letter" {
  project    = var.project_id
  name       = "${local.name}-outputs-finalized-dead-letter"
  labels     = local.labels
  depends_on = [google_project_service.enabled]
}

# Finalize events of the models bucket that the models function gave up on (as outputs_finalized_dead_letter).
resource "google_pubsub_topic" "models_finalized_dead_letter" {
  project    = var.project_id
  name       = "${local.name}-models-finalized-dead-letter"
  labels     = local.labels
  depends_on = [google_project_service.enabled]
}

# Dead letters are kept (7 days, never expiring subscriptions) for people to inspect, whether or not
# a function has settled them (the dead-letters functions read through Eventarc subscriptions of
# their own); the dead-letter alert (monitoring.tf) fires on any message published here.
resource "google_pubsub_subscription" "job_submitted_dead_letter" {
  project                    = var.project_id
  name                       = "${local.name}-job-submitted-dead-letter"
  topic                      = google_pubsub_topic.job_submitted_dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  labels                     = local.labels
  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "job_events_dead_letter" {
  project                    = var.project_id
  name                       = "${local.name}-job-events-dead-letter"
  topic                      = google_pubsub_topic.job_events_dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  labels                     = local.labels
  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "models_finalized_dead_letter" {
  project                    = var.project_id
  name                       = "${local.name}-models-finalized-dead-letter"
  topic                      = google_pubsub_topic.models_finalized_dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  labels                     = local.labels
  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "outputs_finalized_dead_letter" {
  project                    = var.project_id
  name                       = "${local.name}-outputs-finalized-dead-letter"
  topic                      = google_pubsub_topic.outputs_finalized_dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  labels                     = local.labels
  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "notifications_dead_letter" {
  project                    = var.project_id
  name                       = "${local.name}-notifications-dead-letter"
  topic                      = google_pubsub_topic.notifications_dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  labels                     = local.labels
  expiration_policy {
    ttl = ""
  }
}

# Dead-lettering is done by Pub/Sub's own service agent: it must publish to each dead-letter topic
# and acknowledge on the source subscription. Eventarc creates and names the source subscriptions
# itself (eventarc-<region>-<trigger>-sub-NNN), so Terraform cannot address them one by one: the
# subscriber grant is project-wide, for this service agent only. Attaching the dead-letter policy
# to those subscriptions is scripts/attach-dead-letters.sh (run by Cloud Build after apply).
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = {
    job_submitted     = google_pubsub_topic.job_submitted_dead_letter.name
    job_events        = google_pubsub_topic.job_events_dead_letter.name
    notifications     = google_pubsub_topic.notifications_dead_letter.name
    outputs_finalized = google_pubsub_topic.outputs_finalized_dead_letter.name
  }
  project = var.project_id
  topic   = each.value
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

resource "google_project_iam_member" "pubsub_agent_subscriber" {
  project = var.project_id
  role    = "roles/pubsub.subscriber"
  member  = local.pubsub_service_agent
}

# Pub/Sub mints OIDC tokens for Eventarc's push deliveries as the trigger's service account.
resource "google_project_iam_member" "pubsub_agent_token_creator" {
  project = var.project_id
  role    = "roles/iam.serviceAccountTokenCreator"
  member  = local.pubsub_service_agent
}

# ---- Event-driven runs (functions/runs; var.inbound_integrations) --------------------------------
# One inbound topic per integration, <prefix>-runs-<integration>: Pub/Sub does not tell a subscriber
# who published, so the topic is the identity. Only the integration's own service account may publish
# on it; the runs function maps the topic (the event's source) to the integration's user. Each has a
# dead-letter topic (attached by scripts/attach-dead-letters.sh, output event_functions) and a pull
# subscription on it that keeps poison messages for people.

resource "google_pubsub_topic" "runs" {
  for_each                   = var.inbound_integrations
  project                    = var.project_id
  name                       = "${local.name}-runs-${each.key}"
  labels                     = local.labels
  message_retention_duration = "86400s"
  depends_on                 = [google_project_service.enabled]
}

resource "google_pubsub_topic" "runs_dead_letter" {
  for_each   = var.inbound_integrations
  project    = var.project_id
  name       = "${local.name}-runs-${each.key}-dead-letter"
  labels     = local.labels
  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_subscription" "runs_dead_letter" {
  for_each                   = var.inbound_integrations
  project                    = var.project_id
  name                       = "${local.name}-runs-${each.key}-dead-letter"
  topic                      = google_pubsub_topic.runs_dead_letter[each.key].id
  ack_deadline_seconds       = 60
  message_retention_duration = "604800s"
  labels                     = local.labels
  expiration_policy {
    ttl = ""
  }
}

# The publisher identity: this integration's account, on this topic only.
resource "google_pubsub_topic_iam_member" "runs_publisher" {
  for_each = var.inbound_integrations
  project  = var.project_id
  topic    = google_pubsub_topic.runs[each.key].name
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${each.value.publisher}"
}

resource "google_pubsub_topic_iam_member" "runs_dead_letter_publisher" {
  for_each = var.inbound_integrations
  project  = var.project_id
  topic    = google_pubsub_topic.runs_dead_letter[each.key].name
  role     = "roles/pubsub.publisher"
  member   = local.pubsub_service_agent
}
