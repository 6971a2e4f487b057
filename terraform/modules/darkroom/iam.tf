# One service account per deployable, each granted only what its code uses. terraform/checks
# derives "what its code uses" from the sources (terraform/checks/README.md) and fails on a
# missing or an unneeded grant, so edit this file and the code together.
#
#   port the code uses (shared/gcp Adapters)   grant
#   jobStore / jobFeed (Firestore)             roles/datastore.user on the project
#   jobQueue / jobEvents / notifications       roles/pubsub.publisher on that topic
#   jobLauncher (Cloud Run runJob + overrides) roles/run.developer on the GPU job,
#                                              roles/iam.serviceAccountUser on the job's account
#   ledger (Cloud SQL connector)               roles/cloudsql.client on the project
#   outputStore / nodeCatalog                  roles/storage.objectUser on the outputs bucket
#   modelBucket (uploads, deletes)             roles/storage.objectUser on the models bucket
#   signedReadUrl (V4 signing via signBlob)    roles/iam.serviceAccountTokenCreator on itself
#   a secret given as an env variable          roles/secretmanager.secretAccessor on that secret
#   a bucket mounted as a volume (read-only)   roles/storage.objectViewer on that bucket
#   an Eventarc trigger's identity             roles/eventarc.eventReceiver, roles/run.invoker
#                                              on the triggered function

resource "google_service_account" "api" {
  project      = var.project_id
  account_id   = "${local.name}-api"
  display_name = "Darkroom ${var.prefix} api function"
}

resource "google_service_account" "dispatch" {
  project      = var.project_id
  account_id   = "${local.name}-dispatch"
  display_name = "Darkroom ${var.prefix} dispatch function"
}

resource "google_service_account" "job_events" {
  project      = var.project_id
  account_id   = "${local.name}-job-events"
  display_name = "Darkroom ${var.prefix} job-events function"
}

resource "google_service_account" "realtime" {
  project      = var.project_id
  account_id   = "${local.name}-realtime"
  display_name = "Darkroom ${var.prefix} realtime gateway"
}

resource "google_service_account" "runner" {
  project      = var.project_id
  account_id   = "${local.name}-runner"
  display_name = "Darkroom ${var.prefix} GPU job (runner)"
}

resource "google_service_account" "reconcile" {
  project      = var.project_id
  account_id   = "${local.name}-reconcile"
  display_name = "Darkroom ${var.prefix} reconcile function"
}

resource "google_service_account" "dead_letters" {
  project      = var.project_id
  account_id   = "${local.name}-dead-letters"
  display_name = "Darkroom ${var.prefix} dead-letters functions"
}

resource "google_service_account" "thumbnails" {
  project      = var.project_id
  account_id   = "${local.name}-thumbnails"
  display_name = "Darkroom ${var.prefix} thumbnails function"
}

resource "google_service_account" "models" {
  project      = var.project_id
  account_id   = "${local.name}-models"
  display_name = "Darkroom ${var.prefix} models function"
}

resource "google_service_account" "notify" {
  project      = var.project_id
  account_id   = "${local.name}-notify"
  display_name = "Darkroom ${var.prefix} notify function"
}

resource "google_service_account" "runs" {
  project      = var.project_id
  account_id   = "${local.name}-runs"
  display_name = "Darkroom ${var.prefix} runs functions (event-driven deployment runs)"
}

# The identity Eventarc pushes to the triggered functions with.
resource "google_service_account" "events" {
  project      = var.project_id
  account_id   = "${local.name}-events"
  display_name = "Darkroom ${var.prefix} Eventarc triggers"
}

# Cloud Functions builds each function's container with this account.
resource "google_service_account" "function_builder" {
  project      = var.project_id
  account_id   = "${local.name}-fn-builder"
  display_name = "Darkroom ${var.prefix} function builds"
}

# ---- api: jobStore, jobQueue, ledger, outputStore, nodeCatalog, signed URLs -------------------

resource "google_project_iam_member" "api_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.api.email}"
}

resource "google_pubsub_topic_iam_member" "api_publishes_job_submitted" {
  project = var.project_id
  topic   = google_pubsub_topic.job_submitted.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.api.email}"
}

resource "google_project_iam_member" "api_cloudsql" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.api.email}"
}

# verifyIdToken with checkRevoked looks the user up in Firebase Auth (firebaseauth.users.get).
resource "google_project_iam_member" "api_firebase_auth" {
  project = var.project_id
  role    = "roles/firebaseauth.viewer"
  member  = "serviceAccount:${google_service_account.api.email}"
}

resource "google_secret_manager_secret_iam_member" "api_key_pepper" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.api_key_pepper.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.api.email}"
}

# Webhook registration seals each endpoint's signing secret.
resource "google_secret_manager_secret_iam_member" "api_webhook_secrets_key" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.webhook_secrets_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.api.email}"
}

resource "google_secret_manager_secret_iam_member" "api_db_password" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.db_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.api.email}"
}

resource "google_storage_bucket_iam_member" "api_outputs" {
  bucket = google_storage_bucket.outputs.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.api.email}"
}

# Models API (docs/MODELS.md): deletes, and the signed resumable uploads, which Cloud Storage runs
# as the signer: objectUser (get, create, delete), the same role as on the outputs.
resource "google_storage_bucket_iam_member" "api_models" {
  bucket = google_storage_bucket.models.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.api.email}"
}

# V4 signed URLs without a key file: the client signs through IAM signBlob as itself.
resource "google_service_account_iam_member" "api_signs_as_itself" {
  service_account_id = google_service_account.api.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.api.email}"
}

# ---- dispatch: jobStore, jobLauncher, ledger, quota verdicts through job-events -------------------

resource "google_project_iam_member" "dispatch_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.dispatch.email}"
}

# runJob with overrides (DARKROOM_JOB_IDS, task count) needs run.jobs.runWithOverrides.
resource "google_cloud_run_v2_job_iam_member" "dispatch_runs_gpu_job" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.gpu.name
  role     = "roles/run.developer"
  member   = "serviceAccount:${google_service_account.dispatch.email}"
}

resource "google_service_account_iam_member" "dispatch_acts_as_runner" {
  service_account_id = google_service_account.runner.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.dispatch.email}"
}

resource "google_project_iam_member" "dispatch_cloudsql" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.dispatch.email}"
}

# A job whose user is over MONTHLY_GPU_SECONDS at dispatch is failed through job-events.
resource "google_pubsub_topic_iam_member" "dispatch_publishes_job_events" {
  project = var.project_id
  topic   = google_pubsub_topic.job_events.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.dispatch.email}"
}

resource "google_secret_manager_secret_iam_member" "dispatch_db_password" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.db_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.dispatch.email}"
}

# ---- job-events: jobStore, ledger, notifications -----------------------------------------------

resource "google_project_iam_member" "job_events_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.job_events.email}"
}

resource "google_project_iam_member" "job_events_cloudsql" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.job_events.email}"
}

resource "google_secret_manager_secret_iam_member" "job_events_db_password" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.db_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.job_events.email}"
}

resource "google_pubsub_topic_iam_member" "job_events_publishes_notifications" {
  project = var.project_id
  topic   = google_pubsub_topic.notifications.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.job_events.email}"
}

# ---- realtime: jobFeed, authenticator (API keys in the ledger's database) -------------------------

resource "google_project_iam_member" "realtime_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.realtime.email}"
}

resource "google_project_iam_member" "realtime_firebase_auth" {
  project = var.project_id
  role    = "roles/firebaseauth.viewer"
  member  = "serviceAccount:${google_service_account.realtime.email}"
}

resource "google_project_iam_member" "realtime_cloudsql" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.realtime.email}"
}

resource "google_secret_manager_secret_iam_member" "realtime_db_password" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.db_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.realtime.email}"
}

resource "google_secret_manager_secret_iam_member" "realtime_api_key_pepper" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.api_key_pepper.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.realtime.email}"
}

# ---- runner: jobStore, jobQueue (hand back), jobEvents, outputStore, nodeCatalog, models volume ---

resource "google_project_iam_member" "runner_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.runner.email}"
}

resource "google_pubsub_topic_iam_member" "runner_publishes_job_submitted" {
  project = var.project_id
  topic   = google_pubsub_topic.job_submitted.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.runner.email}"
}

resource "google_pubsub_topic_iam_member" "runner_publishes_job_events" {
  project = var.project_id
  topic   = google_pubsub_topic.job_events.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.runner.email}"
}

resource "google_storage_bucket_iam_member" "runner_outputs" {
  bucket = google_storage_bucket.outputs.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.runner.email}"
}

resource "google_storage_bucket_iam_member" "runner_reads_models" {
  bucket = google_storage_bucket.models.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.runner.email}"
}

# ---- reconcile: jobs and GPU slots (Firestore), republish to dispatch, verdicts through job-events, executions (Cloud Run), warm top-up

resource "google_project_iam_member" "reconcile_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.reconcile.email}"
}

resource "google_pubsub_topic_iam_member" "reconcile_publishes_job_submitted" {
  project = var.project_id
  topic   = google_pubsub_topic.job_submitted.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.reconcile.email}"
}

resource "google_pubsub_topic_iam_member" "reconcile_publishes_job_events" {
  project = var.project_id
  topic   = google_pubsub_topic.job_events.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.reconcile.email}"
}

# Executions.get: is a dispatched job's execution still running, over, or gone?
resource "google_cloud_run_v2_job_iam_member" "reconcile_views_gpu_job" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.gpu.name
  role     = "roles/run.viewer"
  member   = "serviceAccount:${google_service_account.reconcile.email}"
}

# Executions.list and cancel: an execution running outside the GPU pool's count (its launch's slot
# was given back) is adopted back into its slot or cancelled (ReconcileJobs). And runJob with
# overrides (run.jobs.runWithOverrides), as dispatch: the keep-warm top-up launches jobless
# executions (TopUpWarmTasks), running as the runner's service account (below).
resource "google_cloud_run_v2_job_iam_member" "reconcile_cancels_gpu_executions" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.gpu.name
  role     = "roles/run.developer"
  member   = "serviceAccount:${google_service_account.reconcile.email}"
}

resource "google_service_account_iam_member" "reconcile_acts_as_runner" {
  service_account_id = google_service_account.runner.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.reconcile.email}"
}

# Notification retries: pending_notifications in the ledger DB, republished to notifications; the
# jobs created per minute, read hourly for the keep-warm policy's usual traffic.
resource "google_project_iam_member" "reconcile_cloudsql" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.reconcile.email}"
}

resource "google_secret_manager_secret_iam_member" "reconcile_db_password" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.db_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.reconcile.email}"
}

resource "google_pubsub_topic_iam_member" "reconcile_publishes_notifications" {
  project = var.project_id
  topic   = google_pubsub_topic.notifications.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.reconcile.email}"
}

# ---- dead-letters: jobStore, ledger, notifications (replaying through ApplyJobEvent), verdicts on job-events

resource "google_project_iam_member" "dead_letters_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.dead_letters.email}"
}

resource "google_project_iam_member" "dead_letters_cloudsql" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.dead_letters.email}"
}

resource "google_secret_manager_secret_iam_member" "dead_letters_db_password" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.db_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.dead_letters.email}"
}

resource "google_pubsub_topic_iam_member" "dead_letters_publishes_job_events" {
  project = var.project_id
  topic   = google_pubsub_topic.job_events.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.dead_letters.email}"
}

resource "google_pubsub_topic_iam_member" "dead_letters_publishes_notifications" {
  project = var.project_id
  topic   = google_pubsub_topic.notifications.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.dead_letters.email}"
}

# ---- notify: device tokens, ledger, public CloudEvents, FCM ---------------------------------------

resource "google_project_iam_member" "notify_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.notify.email}"
}

resource "google_project_iam_member" "notify_cloudsql" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.notify.email}"
}

resource "google_secret_manager_secret_iam_member" "notify_db_password" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.db_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.notify.email}"
}

resource "google_secret_manager_secret_iam_member" "notify_webhook_secrets_key" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.webhook_secrets_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.notify.email}"
}

resource "google_secret_manager_secret_iam_member" "notify_smtp_password" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.smtp_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.notify.email}"
}

resource "google_pubsub_topic_iam_member" "notify_publishes_job_events_public" {
  project = var.project_id
  topic   = google_pubsub_topic.job_events_public.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.notify.email}"
}

# FCM HTTP v1 sends (cloudmessaging.messages.create); no narrower predefined role exists.
resource "google_project_iam_member" "notify_fcm" {
  project = var.project_id
  role    = "roles/firebasecloudmessaging.admin"
  member  = "serviceAccount:${google_service_account.notify.email}"
}

# ---- runs: jobStore, idempotencyKeys, deployments, jobQueue, ledger (limits), nodeCatalog, run events
# Reply topics belong to the integrations: their owners grant this account and notify's publisher on
# them (output run_reply_publishers).

resource "google_project_iam_member" "runs_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.runs.email}"
}

resource "google_pubsub_topic_iam_member" "runs_publishes_job_submitted" {
  project = var.project_id
  topic   = google_pubsub_topic.job_submitted.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.runs.email}"
}

# Refused run messages, reported as CloudEvents for integrations.
resource "google_pubsub_topic_iam_member" "runs_publishes_job_events_public" {
  project = var.project_id
  topic   = google_pubsub_topic.job_events_public.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.runs.email}"
}

resource "google_project_iam_member" "runs_cloudsql" {
  project = var.project_id
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.runs.email}"
}

resource "google_secret_manager_secret_iam_member" "runs_db_password" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.db_password.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runs.email}"
}

resource "google_storage_bucket_iam_member" "runs_outputs" {
  bucket = google_storage_bucket.outputs.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.runs.email}"
}

# ---- Eventarc triggers --------------------------------------------------------------------------

resource "google_project_iam_member" "events_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = "serviceAccount:${google_service_account.events.email}"
}

resource "google_cloud_run_v2_service_iam_member" "events_invoke_dispatch" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.dispatch.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

resource "google_cloud_run_v2_service_iam_member" "events_invoke_job_events" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.job_events.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

resource "google_cloud_run_v2_service_iam_member" "events_invoke_reconcile" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.reconcile.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

resource "google_cloud_run_v2_service_iam_member" "events_invoke_dead_letters" {
  for_each = google_cloudfunctions2_function.dead_letters
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.dead_letters[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

resource "google_cloud_run_v2_service_iam_member" "events_invoke_runs" {
  for_each = google_cloudfunctions2_function.runs
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.runs[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

resource "google_cloud_run_v2_service_iam_member" "events_invoke_notify" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.notify.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

# ---- public entry points: authentication is the application's (Firebase ID tokens, API keys) ----

resource "google_cloud_run_v2_service_iam_member" "api_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.api.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

resource "google_cloud_run_v2_service_iam_member" "realtime_public" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.realtime.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# ---- function builds ----------------------------------------------------------------------------

resource "google_project_iam_member" "function_builder" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/artifactregistry.writer",
  ])
  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.function_builder.email}"
}

resource "google_storage_bucket_iam_member" "function_builder_reads_sources" {
  bucket = google_storage_bucket.function_sources.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.function_builder.email}"
}

# ---- thumbnails: jobStore, outputStore ---------------------------------------------------------

resource "google_project_iam_member" "thumbnails_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.thumbnails.email}"
}

resource "google_storage_bucket_iam_member" "thumbnails_outputs" {
  bucket = google_storage_bucket.outputs.name
  role   = "roles/storage.objectUser"
  member = "serviceAccount:${google_service_account.thumbnails.email}"
}

resource "google_cloud_run_v2_service_iam_member" "events_invoke_thumbnails" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.thumbnails.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

# ---- models: modelStore, modelFiles (read only) -------------------------------------------------

resource "google_project_iam_member" "models_datastore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.models.email}"
}

resource "google_storage_bucket_iam_member" "models_reads_models" {
  bucket = google_storage_bucket.models.name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${google_service_account.models.email}"
}

resource "google_cloud_run_v2_service_iam_member" "events_invoke_models" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.models.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.events.email}"
}

# Eventarc's Cloud Storage triggers are built on the bucket's Pub/Sub notifications, which Cloud
# Storage's own service agent publishes: it needs the publisher role, or the trigger is refused.
data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

resource "google_project_iam_member" "gcs_publishes_events" {
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}
