# The Cloud Functions (2nd gen, Java 17). Each is built by Cloud Functions from a zip that Cloud
# Build uploads to gs://<function sources>/<source_version>/<name>.zip: the function's jar and its
# runtime dependencies (scripts/package-function.sh). Environment variables carry the names the code
# reads (shared/gcp Env); terraform/checks fails if one is missing or one is set that nothing reads.
#
# Event functions are invoked by Eventarc with RETRY_POLICY_RETRY: a function that throws gets the
# message again (Pub/Sub backoff), a function that returns acknowledges it. Dead-letter topics are
# attached to the Eventarc subscriptions by scripts/attach-dead-letters.sh (see pubsub.tf).
#
# Concurrency is 1 request per instance: the ledger pool (DB_POOL_SIZE) and the clients are sized
# for one request at a time, and Cloud SQL connections are what runs out first.

# ComfyUI's HTTP API and Darkroom's own (public; authentication in the application)
resource "google_cloudfunctions2_function" "api" {
  project     = var.project_id
  name        = "${local.name}-api"
  location    = var.region
  description = "ComfyUI's HTTP API and Darkroom's own (public; authentication in the application)"
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.darkroom.functions.api.ApiFunction"
    service_account = google_service_account.function_builder.id
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = "${var.source_version}/api.zip"
      }
    }
  }

  service_config {
    available_memory = "1Gi"
    available_cpu    = "1"
    # The most 2nd gen allows for HTTP: GET /api/v2/jobs/{id}/events streams Server-Sent Events
    # and closes itself after 55 min (JobEventStream.LIFETIME); the client resumes with
    # Last-Event-ID. Every other route answers in seconds, bounded by its own limits.
    timeout_seconds    = 3600
    min_instance_count = var.api_min_instances
    max_instance_count = var.api_max_instances
    # Not 1: each open event stream would hold a whole instance (and api_max_instances streams
    # would starve every other call). Ingress: with a domain, only through the load balancer (and
    # its Cloud Armor policy, edge.tf), the run.app URL answering nobody else; without one, the
    # run.app URL is the only way in.
    max_instance_request_concurrency = var.api_request_concurrency
    ingress_settings                 = local.edge == 1 ? "ALLOW_INTERNAL_AND_GCLB" : "ALLOW_ALL"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.api.email

    environment_variables = {
      GOOGLE_CLOUD_PROJECT        = var.project_id
      JAVA_TOOL_OPTIONS           = local.jvm_startup_options
      FIRESTORE_ENABLE_TRACING    = local.firestore_tracing
      JOBS_COLLECTION             = local.jobs_collection
      IDEMPOTENCY_KEYS_COLLECTION = local.idempotency_keys_collection
      MODELS_COLLECTION           = local.models_collection
      MODELS_BUCKET               = google_storage_bucket.models.name
      # Uploads of pickled formats are refused up front where the models check would refuse them.
      ALLOW_PICKLED_MODELS     = tostring(var.allow_pickled_models)
      DEPLOYMENTS_COLLECTION   = local.deployments_collection
      JOB_SUBMITTED_TOPIC      = google_pubsub_topic.job_submitted.name
      OUTPUTS_BUCKET           = google_storage_bucket.outputs.name
      INSTANCE_CONNECTION_NAME = google_sql_database_instance.ledger.connection_name
      DB_NAME                  = google_sql_database.ledger.name
      DB_USER                  = google_sql_user.ledger.name
      DB_POOL_SIZE             = tostring(var.db_pool_size)
      # The one authentication switch: always on in the cloud (terraform/checks refuses anything else).
      DARKROOM_AUTH               = "on"
      DEFAULT_TIER                = var.default_tier
      REQUESTS_PER_MINUTE         = var.requests_per_minute
      API_KEY_REQUESTS_PER_MINUTE = tostring(var.api_key_requests_per_minute)
      MAX_WAITING_JOBS            = var.max_waiting_jobs
      MONTHLY_GPU_SECONDS         = var.monthly_gpu_seconds
      MAX_RUN_SECONDS             = var.max_run_seconds
      # Bad credentials per client address; the address is X-Forwarded-For's entry before the
      # load balancer's own (1 hop of ours), or the last one without the load balancer.
      FAILED_AUTHENTICATIONS_PER_MINUTE = tostring(var.failed_authentications_per_minute)
      TRUSTED_PROXY_HOPS                = local.edge == 1 ? "1" : "0"
      API_KEYS_WITHOUT_CHECK            = var.api_keys_without_check
      # Pages of other origins that browsers let call (CORS); the domain's own pages need none.
      ALLOWED_ORIGINS = join(",", var.allowed_origins)
      # Notification registration routes (/api/v2/webhooks, /devices, /notifications/email).
      DEVICES_COLLECTION               = "devices"
      WEBHOOK_ROTATION_OVERLAP_SECONDS = tostring(var.webhook_rotation_overlap_seconds)
      # Streams: single-use tickets (shared with the realtime gateway), limits, credential recheck.
      STREAM_TICKETS_COLLECTION      = local.stream_tickets_collection
      MAX_EVENT_STREAMS_PER_USER     = tostring(var.max_event_streams_per_user)
      MAX_EVENT_STREAMS_PER_INSTANCE = tostring(var.max_event_streams_per_instance)
      STREAM_RECHECK_SECONDS         = tostring(var.stream_recheck_seconds)
      KEY_SIGN_IN_MAX_AGE_SECONDS    = tostring(var.key_sign_in_max_age_seconds)
      # What one answer, user or instance may cost (ApiBounds: signatures, listing bytes, uploads).
      SIGNED_URLS_PER_REQUEST = tostring(var.signed_urls_per_request)
      LISTING_MAX_BYTES       = tostring(var.listing_max_bytes)
      UPLOADS_PER_USER        = tostring(var.uploads_per_user)
      UPLOAD_MEMORY_MB        = tostring(var.upload_memory_mb)
      # POST /api/v2/models/imports runs this job (model_import.tf).
      MODEL_IMPORT_JOB_NAME = google_cloud_run_v2_job.model_import.id
    }

    secret_environment_variables {
      key        = "DB_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.db_password.secret_id
      version    = "latest"
    }

    secret_environment_variables {
      key        = "API_KEY_PEPPER"
      project_id = var.project_id
      secret     = google_secret_manager_secret.api_key_pepper.secret_id
      version    = "latest"
    }

    # Seals the signing secrets of webhook endpoints registered through the API.
    secret_environment_variables {
      key        = "WEBHOOK_SECRETS_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.webhook_secrets_key.secret_id
      version    = "latest"
    }

    # Seals model hub tokens until the import job uses them (model_import.tf).
    secret_environment_variables {
      key        = "MODEL_IMPORT_TOKENS_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.model_import_tokens_key.secret_id
      version    = "latest"
    }
  }

  depends_on = [google_project_service.enabled]
}

# job-submitted -> Cloud Run GPU job executions
resource "google_cloudfunctions2_function" "dispatch" {
  project     = var.project_id
  name        = "${local.name}-dispatch"
  location    = var.region
  description = "job-submitted -> Cloud Run GPU job executions"
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.darkroom.functions.dispatch.DispatchFunction"
    service_account = google_service_account.function_builder.id
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = "${var.source_version}/dispatch.zip"
      }
    }
  }

  service_config {
    available_memory                 = "1Gi"
    available_cpu                    = "1"
    timeout_seconds                  = 120
    min_instance_count               = 0
    max_instance_count               = var.dispatch_max_instances
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.dispatch.email

    environment_variables = {
      GOOGLE_CLOUD_PROJECT     = var.project_id
      JAVA_TOOL_OPTIONS        = local.jvm_startup_options
      FIRESTORE_ENABLE_TRACING = local.firestore_tracing
      JOBS_COLLECTION          = local.jobs_collection
      GPU_SLOTS_COLLECTION     = local.gpu_slots_collection
      GPU_TASK_CAP             = tostring(var.gpu_task_cap)
      TIER_CONCURRENCY         = var.tier_concurrency
      MONTHLY_GPU_SECONDS      = var.monthly_gpu_seconds
      JOB_EVENTS_TOPIC         = google_pubsub_topic.job_events.name
      GPU_JOB_NAME             = google_cloud_run_v2_job.gpu.id
      INSTANCE_CONNECTION_NAME = google_sql_database_instance.ledger.connection_name
      DB_NAME                  = google_sql_database.ledger.name
      DB_USER                  = google_sql_user.ledger.name
      DB_POOL_SIZE             = tostring(var.db_pool_size)
      # The keep-warm policy, as the runners have it (gpu_job.tf): dispatch counts on warm tasks.
      WARM_IDLE_BUDGET_SECONDS = var.warm_idle_budget_seconds == null ? "" : tostring(var.warm_idle_budget_seconds)
      WARM_SCHEDULE            = var.warm_schedule
      WARM_GRACE_SECONDS       = tostring(var.warm_grace_seconds)
    }

    secret_environment_variables {
      key        = "DB_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.db_password.secret_id
      version    = "latest"
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.job_submitted.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.events.email
  }

  depends_on = [google_project_service.enabled]
}

# job-events -> the job state machine (Firestore, ledger), terminal jobs -> notifications
resource "google_cloudfunctions2_function" "job_events" {
  project     = var.project_id
  name        = "${local.name}-job-events"
  location    = var.region
  description = "job-events -> the job state machine (Firestore, ledger), terminal jobs -> notifications"
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.darkroom.functions.jobevents.JobEventsFunction"
    service_account = google_service_account.function_builder.id
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = "${var.source_version}/job-events.zip"
      }
    }
  }

  service_config {
    available_memory                 = "1Gi"
    available_cpu                    = "1"
    timeout_seconds                  = 120
    min_instance_count               = 0
    max_instance_count               = var.job_events_max_instances
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.job_events.email

    environment_variables = {
      GOOGLE_CLOUD_PROJECT     = var.project_id
      JAVA_TOOL_OPTIONS        = local.jvm_startup_options
      FIRESTORE_ENABLE_TRACING = local.firestore_tracing
      JOBS_COLLECTION          = local.jobs_collection
      NOTIFICATIONS_TOPIC      = google_pubsub_topic.notifications.name
      MONTHLY_GPU_SECONDS      = var.monthly_gpu_seconds
      INSTANCE_CONNECTION_NAME = google_sql_database_instance.ledger.connection_name
      DB_NAME                  = google_sql_database.ledger.name
      DB_USER                  = google_sql_user.ledger.name
      DB_POOL_SIZE             = tostring(var.db_pool_size)
    }

    secret_environment_variables {
      key        = "DB_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.db_password.secret_id
      version    = "latest"
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.job_events.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.events.email
  }

  depends_on = [google_project_service.enabled]
}

# reconcile-ticks (every minute) -> stuck, lost and timed-out jobs, retention (dead letters: dead_letters below); under the keep-warm policy, the warm set topped up
resource "google_cloudfunctions2_function" "reconcile" {
  project     = var.project_id
  name        = "${local.name}-reconcile"
  location    = var.region
  description = "reconcile-ticks (every minute) -> stuck, lost and timed-out jobs, retention"
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.darkroom.functions.reconcile.ReconcileFunction"
    service_account = google_service_account.function_builder.id
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = "${var.source_version}/reconcile.zip"
      }
    }
  }

  service_config {
    available_memory                 = "1Gi"
    available_cpu                    = "1"
    timeout_seconds                  = 300
    min_instance_count               = 0
    max_instance_count               = 1
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.reconcile.email

    environment_variables = {
      GOOGLE_CLOUD_PROJECT               = var.project_id
      JAVA_TOOL_OPTIONS                  = local.jvm_startup_options
      FIRESTORE_ENABLE_TRACING           = local.firestore_tracing
      JOBS_COLLECTION                    = local.jobs_collection
      GPU_SLOTS_COLLECTION               = local.gpu_slots_collection
      GPU_TASK_CAP                       = tostring(var.gpu_task_cap)
      GPU_JOB_NAME                       = google_cloud_run_v2_job.gpu.id
      TIER_CONCURRENCY                   = var.tier_concurrency
      JOB_SUBMITTED_TOPIC                = google_pubsub_topic.job_submitted.name
      JOB_EVENTS_TOPIC                   = google_pubsub_topic.job_events.name
      RECONCILE_REQUEUE_AFTER_SECONDS    = tostring(var.reconcile_requeue_after_seconds)
      RECONCILE_MAX_QUEUE_SECONDS        = tostring(var.reconcile_max_queue_seconds)
      RECONCILE_DISPATCH_TIMEOUT_SECONDS = tostring(var.reconcile_dispatch_timeout_seconds)
      RECONCILE_LOST_AFTER_SECONDS       = tostring(var.reconcile_lost_after_seconds)
      RECONCILE_MAX_ATTEMPTS             = tostring(var.reconcile_max_attempts)
      # The keep-warm policy, as the runners have it (gpu_job.tf): each tick tops the warm set up,
      # launching jobless executions of GPU_JOB_NAME, and refreshes the usual traffic from the ledger.
      WARM_IDLE_BUDGET_SECONDS = var.warm_idle_budget_seconds == null ? "" : tostring(var.warm_idle_budget_seconds)
      WARM_SCHEDULE            = var.warm_schedule
      WARM_GRACE_SECONDS       = tostring(var.warm_grace_seconds)
      # Notification retries: due ones (pending_notifications, ledger DB) go back on notifications.
      NOTIFICATIONS_TOPIC      = google_pubsub_topic.notifications.name
      INSTANCE_CONNECTION_NAME = google_sql_database_instance.ledger.connection_name
      DB_NAME                  = google_sql_database.ledger.name
      DB_USER                  = google_sql_user.ledger.name
      DB_POOL_SIZE             = tostring(var.db_pool_size)
    }

    secret_environment_variables {
      key        = "DB_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.db_password.secret_id
      version    = "latest"
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.reconcile_ticks.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.events.email
  }

  depends_on = [google_project_service.enabled]
}

# Dead letters -> the job they are about ends with a reason (functions/dead-letters): a dead
# job-submitted message fails a job still waiting for that launch (dispatch_failed); a dead terminal
# job event is applied once more, else fails the job (event_undeliverable). Verdicts are published
# on job-events, which writes every terminal state, so this needs the same stores as job-events.
# A gen2 function has exactly one event_trigger, so the same zip and entry point is deployed once
# per dead-letter topic; the code tells the topics apart by the event's source. These triggers get
# no dead-letter topic of their own (not in output event_functions): a delivery that throws is
# retried with backoff as long as Eventarc retries, and the pull subscriptions in pubsub.tf keep a
# copy of every dead letter for people either way.
resource "google_cloudfunctions2_function" "dead_letters" {
  for_each = {
    "job-submitted" = google_pubsub_topic.job_submitted_dead_letter.id
    "job-events"    = google_pubsub_topic.job_events_dead_letter.id
  }

  project     = var.project_id
  name        = "${local.name}-dead-letters-${each.key}"
  location    = var.region
  description = "${each.key}-dead-letter -> failed jobs with a reason, or the runner's end applied late"
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.darkroom.functions.deadletters.DeadLettersFunction"
    service_account = google_service_account.function_builder.id
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = "${var.source_version}/dead-letters.zip"
      }
    }
  }

  service_config {
    available_memory                 = "1Gi"
    available_cpu                    = "1"
    timeout_seconds                  = 120
    min_instance_count               = 0
    max_instance_count               = 2
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.dead_letters.email

    environment_variables = {
      GOOGLE_CLOUD_PROJECT     = var.project_id
      JAVA_TOOL_OPTIONS        = local.jvm_startup_options
      FIRESTORE_ENABLE_TRACING = local.firestore_tracing
      JOBS_COLLECTION          = local.jobs_collection
      JOB_EVENTS_TOPIC         = google_pubsub_topic.job_events.name
      NOTIFICATIONS_TOPIC      = google_pubsub_topic.notifications.name
      INSTANCE_CONNECTION_NAME = google_sql_database_instance.ledger.connection_name
      DB_NAME                  = google_sql_database.ledger.name
      DB_USER                  = google_sql_user.ledger.name
      DB_POOL_SIZE             = tostring(var.db_pool_size)
    }

    secret_environment_variables {
      key        = "DB_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.db_password.secret_id
      version    = "latest"
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = each.value
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.events.email
  }

  depends_on = [google_project_service.enabled]
}

# Outputs bucket finalize -> a preview of each image output, recorded on its job
# (functions/thumbnails). Eventarc's Cloud Storage trigger sees every object of the bucket; the
# function ignores all but images under outputs/ (its own previews under thumbnails/ included).
# No dead-letter topic: the function throws only on store failures, which Eventarc retries.
resource "google_cloudfunctions2_function" "thumbnails" {
  project     = var.project_id
  name        = "${local.name}-thumbnails"
  location    = var.region
  description = "outputs bucket finalize -> previews of image outputs"
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.darkroom.functions.thumbnails.ThumbnailsFunction"
    service_account = google_service_account.function_builder.id
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = "${var.source_version}/thumbnails.zip"
      }
    }
  }

  service_config {
    # A 50-megapixel source decodes to 200 MB of pixels: room for one at a time.
    available_memory                 = "1Gi"
    available_cpu                    = "1"
    timeout_seconds                  = 120
    min_instance_count               = 0
    max_instance_count               = var.thumbnails_max_instances
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.thumbnails.email

    environment_variables = {
      GOOGLE_CLOUD_PROJECT     = var.project_id
      JAVA_TOOL_OPTIONS        = local.jvm_startup_options
      FIRESTORE_ENABLE_TRACING = local.firestore_tracing
      JOBS_COLLECTION          = local.jobs_collection
      OUTPUTS_BUCKET           = google_storage_bucket.outputs.name
    }
  }

  event_trigger {
    # A Cloud Storage trigger lives in its bucket's location: the outputs bucket is in var.region.
    trigger_region        = var.region
    event_type            = "google.cloud.storage.object.v1.finalized"
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.events.email
    event_filters {
      attribute = "bucket"
      value     = google_storage_bucket.outputs.name
    }
  }

  depends_on = [google_project_service.enabled, google_project_iam_member.gcs_publishes_events]
}

# Models bucket finalize -> the file checked and its state recorded (functions/models): ready or
# refused, before ComfyUI may load it. Hashing reads the whole object: a 7 GB checkpoint takes about
# a minute at Cloud Storage's per-stream rate, hence the timeout.
resource "google_cloudfunctions2_function" "models" {
  project     = var.project_id
  name        = "${local.name}-models"
  location    = var.region
  description = "models bucket finalize -> each model file checked (safetensors header, sha256)"
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.darkroom.functions.models.ModelsFunction"
    service_account = google_service_account.function_builder.id
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = "${var.source_version}/models.zip"
      }
    }
  }

  service_config {
    available_memory                 = "512Mi"
    available_cpu                    = "1"
    timeout_seconds                  = 540
    min_instance_count               = 0
    max_instance_count               = var.models_max_instances
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.models.email

    environment_variables = {
      GOOGLE_CLOUD_PROJECT     = var.project_id
      JAVA_TOOL_OPTIONS        = local.jvm_startup_options
      FIRESTORE_ENABLE_TRACING = local.firestore_tracing
      MODELS_BUCKET            = google_storage_bucket.models.name
      MODELS_COLLECTION        = local.models_collection
      ALLOW_PICKLED_MODELS     = tostring(var.allow_pickled_models)
    }
  }

  event_trigger {
    # The models bucket is in var.region, like its trigger.
    trigger_region        = var.region
    event_type            = "google.cloud.storage.object.v1.finalized"
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.events.email
    event_filters {
      attribute = "bucket"
      value     = google_storage_bucket.models.name
    }
  }

  depends_on = [google_project_service.enabled, google_project_iam_member.gcs_publishes_events]
}

# notifications -> webhooks, FCM, email, CloudEvents for integrations (functions/notify). A target
# that failed for now is scheduled in the ledger DB (WEBHOOK_RETRY_SCHEDULE) and the message acked;
# reconcile republishes it when due (functions/notify/README.md, "Delivery, retries").
resource "google_cloudfunctions2_function" "notify" {
  project     = var.project_id
  name        = "${local.name}-notify"
  location    = var.region
  description = "notifications -> webhooks, FCM, CloudEvents"
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.darkroom.functions.notify.NotifyFunction"
    service_account = google_service_account.function_builder.id
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = "${var.source_version}/notify.zip"
      }
    }
  }

  service_config {
    available_memory                 = "1Gi"
    available_cpu                    = "1"
    timeout_seconds                  = var.notify_timeout_seconds
    min_instance_count               = 0
    max_instance_count               = var.job_events_max_instances
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.notify.email

    environment_variables = {
      GOOGLE_CLOUD_PROJECT     = var.project_id
      JAVA_TOOL_OPTIONS        = local.jvm_startup_options
      FIRESTORE_ENABLE_TRACING = local.firestore_tracing
      DEVICES_COLLECTION       = "devices"
      # Where an event-driven run's job records its reply topic (functions/runs).
      JOBS_COLLECTION          = local.jobs_collection
      JOB_EVENTS_PUBLIC_TOPIC  = google_pubsub_topic.job_events_public.name
      INSTANCE_CONNECTION_NAME = google_sql_database_instance.ledger.connection_name
      DB_NAME                  = google_sql_database.ledger.name
      DB_USER                  = google_sql_user.ledger.name
      DB_POOL_SIZE             = tostring(var.db_pool_size)
      WEBHOOK_RETRY_SCHEDULE   = var.webhook_retry_schedule
      # The same timeout as above: each run fits it (functions/notify/README.md, "Run budget").
      NOTIFY_TIMEOUT_SECONDS = tostring(var.notify_timeout_seconds)
      WEBHOOK_CONCURRENCY    = tostring(var.webhook_concurrency)
      # Email is off while smtp_host is empty.
      SMTP_HOST     = var.smtp_host
      SMTP_PORT     = tostring(var.smtp_port)
      SMTP_USERNAME = var.smtp_username
      SMTP_FROM     = var.smtp_from
      SMTP_STARTTLS = tostring(var.smtp_starttls)
    }

    secret_environment_variables {
      key        = "DB_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.db_password.secret_id
      version    = "latest"
    }

    secret_environment_variables {
      key        = "SMTP_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.smtp_password.secret_id
      version    = "latest"
    }

    # Opens the webhook signing secrets the ledger's database keeps sealed.
    secret_environment_variables {
      key        = "WEBHOOK_SECRETS_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.webhook_secrets_key.secret_id
      version    = "latest"
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.notifications.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.events.email
  }

  depends_on = [google_project_service.enabled]
}

# runs-<integration> -> the deployment run its message names, as the integration's user
# (functions/runs; docs/DEPLOYMENTS.md, "Event-driven runs"). Like dead_letters, the same zip and
# entry point is deployed once per inbound topic (a gen2 function has one event_trigger); each
# instance is told only its own integration, so it refuses messages of any other topic. Refused
# messages are acknowledged (a WARNING and a dev.darkroom.run.refused CloudEvent on the public topic);
# a transient failure throws and Eventarc retries, then the dead-letter topic (output event_functions).
resource "google_cloudfunctions2_function" "runs" {
  for_each = var.inbound_integrations

  project     = var.project_id
  name        = "${local.name}-runs-${each.key}"
  location    = var.region
  description = "runs-${each.key} -> deployment runs as that integration's user"
  labels      = local.labels

  build_config {
    runtime         = "java17"
    entry_point     = "dev.darkroom.functions.runs.RunsFunction"
    service_account = google_service_account.function_builder.id
    source {
      storage_source {
        bucket = google_storage_bucket.function_sources.name
        object = "${var.source_version}/runs.zip"
      }
    }
  }

  service_config {
    available_memory                 = "1Gi"
    available_cpu                    = "1"
    timeout_seconds                  = 120
    min_instance_count               = 0
    max_instance_count               = 2
    max_instance_request_concurrency = 1
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.runs.email

    environment_variables = {
      GOOGLE_CLOUD_PROJECT        = var.project_id
      JAVA_TOOL_OPTIONS           = local.jvm_startup_options
      FIRESTORE_ENABLE_TRACING    = local.firestore_tracing
      JOBS_COLLECTION             = local.jobs_collection
      IDEMPOTENCY_KEYS_COLLECTION = local.idempotency_keys_collection
      DEPLOYMENTS_COLLECTION      = local.deployments_collection
      MODELS_COLLECTION           = local.models_collection
      JOB_SUBMITTED_TOPIC         = google_pubsub_topic.job_submitted.name
      JOB_EVENTS_PUBLIC_TOPIC     = google_pubsub_topic.job_events_public.name
      OUTPUTS_BUCKET              = google_storage_bucket.outputs.name
      INSTANCE_CONNECTION_NAME    = google_sql_database_instance.ledger.connection_name
      DB_NAME                     = google_sql_database.ledger.name
      DB_USER                     = google_sql_user.ledger.name
      DB_POOL_SIZE                = tostring(var.db_pool_size)
      MAX_WAITING_JOBS            = var.max_waiting_jobs
      MONTHLY_GPU_SECONDS         = var.monthly_gpu_seconds
      MAX_RUN_SECONDS             = var.max_run_seconds
      INBOUND_INTEGRATIONS = jsonencode({
        (each.key) = {
          topic        = google_pubsub_topic.runs[each.key].name
          user         = each.value.user
          tier         = coalesce(each.value.tier, var.default_tier)
          reply_topics = each.value.reply_topics
        }
      })
    }

    secret_environment_variables {
      key        = "DB_PASSWORD"
      project_id = var.project_id
      secret     = google_secret_manager_secret.db_password.secret_id
      version    = "latest"
    }
  }

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.runs[each.key].id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.events.email
  }

  depends_on = [google_project_service.enabled]
}
