variable "project_id" {
  description = "The Google Cloud project every resource lives in."
  type        = string
}

variable "region" {
  description = "Region of every regional resource. The GPU job needs Cloud Run L4 GPUs, which only some regions offer (and a per-project, per-region L4 quota)."
  type        = string
  default     = "us-central1"

  validation {
    condition     = contains(["us-central1", "europe-west1", "europe-west4", "asia-southeast1"], var.region)
    error_message = "region must be a Cloud Run GPU region: us-central1, europe-west1, europe-west4 or asia-southeast1."
  }
}

variable "prefix" {
  description = "Prepended to every resource name (and to the Firestore collection), so two environments can share one project. Lowercase letters, digits and '-', starting with a letter, at most 12 characters (service account ids are limited to 30)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.prefix))
    error_message = "prefix must match ^[a-z][a-z0-9-]{1,11}$."
  }
}

variable "source_version" {
  description = "The build whose artifacts to deploy: function source zips are read from gs://<sources bucket>/<source_version>/<function>.zip and images are tagged with it. Cloud Build passes $SHORT_SHA."
  type        = string
}

variable "manage_firestore_database" {
  description = "Whether this environment creates the project's (default) Firestore database. The code uses the default database, so when two environments share a project exactly one of them sets this to true; each keeps its data apart through its own collection (<prefix>-jobs)."
  type        = bool
  default     = true
}

variable "gpu_job_max_retries" {
  description = "Cloud Run retries of a failed GPU task. The runner exits 75 when a retry can help; a retried task takes its jobs back."
  type        = number
  default     = 2

  validation {
    condition     = var.gpu_job_max_retries >= 0 && var.gpu_job_max_retries <= 10
    error_message = "gpu_job_max_retries must be between 0 and 10."
  }
}

variable "gpu_task_timeout_seconds" {
  description = "Timeout of one GPU task attempt. Cloud Run caps GPU tasks at one hour; the runner reads the same value (TASK_TIMEOUT_SECONDS) to stop claiming work before it."
  type        = number
  default     = 3600

  validation {
    condition     = var.gpu_task_timeout_seconds >= 600 && var.gpu_task_timeout_seconds <= 3600
    error_message = "gpu_task_timeout_seconds must be between 600 and 3600 (the GPU task limit)."
  }
}

variable "deadline_margin_seconds" {
  description = "The runner claims no new job this close to its task's deadline; the rest goes back to the queue."
  type        = number
  default     = 600
}

variable "heartbeat_seconds" {
  description = "How often the runner stamps a running job's heartbeat; reconcile treats a much older one as a lost task."
  type        = number
  default     = 30
  validation {
    condition     = var.heartbeat_seconds >= 5 && var.heartbeat_seconds <= 300
    error_message = "heartbeat_seconds must be between 5 and 300."
  }
}

variable "drain_idle_seconds" {
  description = "After its share, how long a GPU task waits for more queued jobs needing the same models before it exits (0: no draining). About one cold start is the cost-optimal wait."
  type        = number
  default     = 60
  validation {
    condition     = var.drain_idle_seconds >= 0 && var.drain_idle_seconds <= 900
    error_message = "drain_idle_seconds must be between 0 and 900."
  }
}

variable "warm_idle_budget_seconds" {
  description = "Keep-warm policy (opt-in): idle GPU-seconds all GPU tasks together may spend a day (UTC) waiting for prompts, outside pinned windows (WARM_IDLE_BUDGET_SECONDS). The warm_grace_seconds grace counts against it too. 86400 is one L4 idle all day, about 25 USD. 0: a task with nothing to run leaves at once, pinned ones aside. null (the default): the policy is off and every task keeps drain_idle_seconds, as before. The dispatch simulation ran it with 250000 (docs/DISPATCH_SIMULATION.md): it met its wait and cost targets on the steady and bursty traces and its wait target on the day trace (0.9x the GPU-seconds of one execution per prompt there)."
  type        = number
  default     = null
  validation {
    condition     = var.warm_idle_budget_seconds == null ? true : var.warm_idle_budget_seconds >= 0
    error_message = "warm_idle_budget_seconds must be 0 or more (or null: the policy off)."
  }
}

variable "warm_grace_seconds" {
  description = "Keep-warm policy: how long an idle GPU task the traffic does not need waits before it leaves (WARM_GRACE_SECONDS); with the policy off, drain_idle_seconds applies instead. 10 measured best in the dispatch simulation (docs/DISPATCH_SIMULATION.md)."
  type        = number
  default     = 10
  validation {
    condition     = var.warm_grace_seconds >= 0
    error_message = "warm_grace_seconds must be 0 or more."
  }
}

variable "warm_schedule" {
  description = "Keep-warm policy: GPU tasks pinned warm whatever the traffic and the budget (WARM_SCHEDULE), e.g. \"2 warm 09:00-18:00 Mon-Fri Europe/Paris\"; windows separated by ';'. Empty: none. A pinned task still gives its slot up to queued work. A schedule turns the policy on even without warm_idle_budget_seconds (then no idle budget outside the windows)."
  type        = string
  default     = ""
}

variable "prompt_idle_timeout_seconds" {
  description = "Runner watchdog: a prompt with no progress for this long is interrupted and reported timed_out."
  type        = number
  default     = 300
}

variable "comfyui_ready_timeout_seconds" {
  description = "How long the runner waits for ComfyUI (and its models) to answer before claiming anything."
  type        = number
  default     = 120
}

variable "gpu_job_cpu" {
  description = "vCPUs of a GPU task. Cloud Run requires at least 4 with an L4."
  type        = string
  default     = "4"

  validation {
    condition     = tonumber(var.gpu_job_cpu) >= 4
    error_message = "An L4 GPU instance needs at least 4 vCPU."
  }
}

variable "models_mount_options" {
  description = "Cloud Storage FUSE flags (without dashes) for the GPU job's models mount at /mnt/models. Empty: Cloud Run's defaults, the mount the load-time figures assume. docs/MODELS.md, \"Load time\", says which flags to try once the runner's modelLoadSeconds lines show reads are slow, and what each costs in instance memory."
  type        = list(string)
  default     = []
}

variable "gpu_job_memory" {
  description = "Memory of a GPU task. Cloud Run requires at least 16Gi with an L4."
  type        = string
  default     = "16Gi"

  validation {
    condition     = can(regex("^[0-9]+Gi$", var.gpu_job_memory)) && tonumber(trimsuffix(var.gpu_job_memory, "Gi")) >= 16
    error_message = "gpu_job_memory must be at least 16Gi, written as <n>Gi."
  }
}

variable "db_pool_size" {
  description = "Cloud SQL connections per function instance (DB_POOL_SIZE). Keep max_instances * pool size under the instance's connection limit."
  type        = number
  default     = 4
}

variable "sql_tier" {
  description = "Cloud SQL machine tier."
  type        = string
  default     = "db-custom-1-3840"
}

variable "sql_availability_type" {
  description = "ZONAL or REGIONAL (high availability, about twice the price)."
  type        = string
  default     = "ZONAL"

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.sql_availability_type)
    error_message = "sql_availability_type must be ZONAL or REGIONAL."
  }
}

variable "api_min_instances" {
  description = "Warm api instances (a cold Java function with every client takes about a second)."
  type        = number
  default     = 1
}

variable "api_max_instances" {
  description = "Upper bound of api instances."
  type        = number
  default     = 20
}

variable "api_request_concurrency" {
  description = "Requests one api instance serves at once. Above 1 so that open event streams (GET /api/v2/jobs/{id}/events, up to 55 min each) do not each hold a whole instance; the handlers share only thread-safe clients, and DB_POOL_SIZE bounds their database connections."
  type        = number
  default     = 80
}

variable "thumbnails_max_instances" {
  description = "Upper bound of thumbnails instances (one preview at a time each)."
  type        = number
  default     = 5
}

variable "models_max_instances" {
  description = "Upper bound of models instances (one file checked at a time each; a multi-GB file is hashed in about a minute)."
  type        = number
  default     = 3
}

variable "allow_pickled_models" {
  description = "Whether pickled model formats (.ckpt .pt .pt2 .pth .bin .pkl) may be marked ready. Off: loading a pickle can run code."
  type        = bool
  default     = false
}

variable "dispatch_max_instances" {
  description = "Upper bound of dispatch instances; with the GPU quota, this bounds launch concurrency."
  type        = number
  default     = 5
}

variable "job_events_max_instances" {
  description = "Upper bound of job-events instances."
  type        = number
  default     = 10
}

variable "realtime_max_instances" {
  description = "Upper bound of realtime gateway instances (each holds many WebSockets)."
  type        = number
  default     = 5
}

variable "outputs_retention_days" {
  description = "Outputs, their previews and inputs older than this are deleted by the bucket's lifecycle rules."
  type        = number
  default     = 30
}

variable "soft_delete_retention_days" {
  description = "How long deleted objects of the outputs bucket stay restorable (Cloud Storage soft delete, 7 to 90 days)."
  type        = number
  default     = 7

  validation {
    condition     = var.soft_delete_retention_days >= 7 && var.soft_delete_retention_days <= 90
    error_message = "soft_delete_retention_days must be between 7 and 90."
  }
}

variable "firestore_backup_retention" {
  description = "How long Firestore's daily scheduled backups are kept (a duration in seconds, e.g. 1209600s = 14 days)."
  type        = string
  default     = "1209600s"
}

variable "budget_billing_account" {
  description = "Billing account id (XXXXXX-XXXXXX-XXXXXX) the budget is created on. Empty: no budget (the budget needs billing-account permissions the deployer may not have)."
  type        = string
  default     = ""
}

variable "budget_amount_units" {
  description = "Monthly budget, in whole units of the billing account's currency."
  type        = number
  default     = 500
}

variable "alert_email" {
  description = "Where alerts are sent (a Cloud Monitoring email channel). Empty: alerts are created without a channel (visible in the console only)."
  type        = string
  default     = ""
}

variable "job_failure_ratio_threshold" {
  description = "Alert when more than this share of finished jobs failed over 15 minutes."
  type        = number
  default     = 0.2
}

variable "queue_age_threshold_seconds" {
  description = "Alert when the oldest unacknowledged job-submitted message is older than this."
  type        = number
  default     = 300
}

variable "deletion_protection" {
  description = "Deletion protection on the stateful resources (Cloud SQL, Firestore, the GPU job, the realtime service). Turn off only to tear an environment down on purpose."
  type        = bool
  default     = true
}

variable "reconcile_requeue_after_seconds" {
  description = "A queued job untouched this long is published to dispatch again (capacity was full, or its message was lost)."
  type        = number
  default     = 120
}

variable "reconcile_max_queue_seconds" {
  description = "A job still queued this long after submission fails with queue_timeout."
  type        = number
  default     = 86400
}

variable "reconcile_dispatch_timeout_seconds" {
  description = "A dispatched job that no runner claimed in this time goes back to the queue as a new attempt."
  type        = number
  default     = 900
}

variable "reconcile_lost_after_seconds" {
  description = "A running job whose heartbeat is this old is lost (keep it several heartbeat_seconds)."
  type        = number
  default     = 180
  validation {
    condition     = var.reconcile_lost_after_seconds >= 60
    error_message = "reconcile_lost_after_seconds must be at least 60 (several heartbeats)."
  }
}

variable "reconcile_max_attempts" {
  description = "Attempts a job may have in all; a lost job past them fails."
  type        = number
  default     = 3
}

variable "gpu_task_cap" {
  description = "The most GPU tasks Darkroom runs at once (dispatch's pool of slots). Keep it at or under the project's L4 quota in the region: past it jobs wait in the queue and running tasks drain them, instead of launches failing on the quota."
  type        = number
  default     = 10
  validation {
    condition     = var.gpu_task_cap >= 1 && var.gpu_task_cap <= 1000
    error_message = "gpu_task_cap must be between 1 and 1000."
  }
}

variable "tier_concurrency" {
  description = "How many jobs one user of each tier may have dispatched or running at once (TIER_CONCURRENCY: tier=limit,...). A tier not listed is limited only by gpu_task_cap. A user's tier is their Firebase custom claim 'tier', else default_tier; an API key has its creator's tier."
  type        = string
  default     = "free=1"
  validation {
    condition     = can(regex("^([A-Za-z0-9_-]+=[1-9][0-9]*)(,[A-Za-z0-9_-]+=[1-9][0-9]*)*$", var.tier_concurrency))
    error_message = "tier_concurrency must look like free=1,standard=4 (positive limits)."
  }
}

variable "default_tier" {
  description = "The tier of a user whose Firebase ID token has no 'tier' custom claim (DEFAULT_TIER). Set a user's tier with the Admin SDK: setCustomUserClaims(uid, {tier: \"pro\"})."
  type        = string
  default     = "free"
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]+$", var.default_tier))
    error_message = "default_tier is one tier name."
  }
}

variable "requests_per_minute" {
  description = "API requests per minute per user, by tier (REQUESTS_PER_MINUTE: tier=n,...); over it, 429 with Retry-After. A tier not listed has no limit. ComfyUI clients poll /history about once a second."
  type        = string
  default     = "free=120,standard=600"
  validation {
    condition     = can(regex("^([A-Za-z0-9_-]+=[1-9][0-9]*)(,[A-Za-z0-9_-]+=[1-9][0-9]*)*$", var.requests_per_minute))
    error_message = "requests_per_minute must look like free=120,standard=600."
  }
}

variable "api_key_requests_per_minute" {
  description = "API requests per minute per API key, whatever the tier (API_KEY_REQUESTS_PER_MINUTE), beside the user's own limit."
  type        = number
  default     = 600
  validation {
    condition     = var.api_key_requests_per_minute >= 1
    error_message = "api_key_requests_per_minute must be at least 1."
  }
}

variable "failed_authentications_per_minute" {
  description = "Failed authentications one client address may make per minute on one api instance (FAILED_AUTHENTICATIONS_PER_MINUTE); past it, every request from the address is 429 with Retry-After, unread, until its failures age. 0: no limit."
  type        = number
  default     = 30
  validation {
    condition     = var.failed_authentications_per_minute >= 0
    error_message = "failed_authentications_per_minute must not be negative."
  }
}

variable "api_keys_without_check" {
  description = "API keys made before keys had a check (API_KEYS_WITHOUT_CHECK): accept (looked up, so a made-up key of that shape costs a database lookup) or refuse (unread), once every user has replaced theirs."
  type        = string
  default     = "accept"
  validation {
    condition     = contains(["accept", "refuse"], var.api_keys_without_check)
    error_message = "api_keys_without_check must be accept or refuse."
  }
}

variable "edge_requests_per_ip_per_minute" {
  description = "With domain: requests one client IP may send the load balancer per minute (Cloud Armor, every backend); past it, the IP is answered 429 for edge_ban_seconds. Keep it above the highest tier's requests_per_minute."
  type        = number
  default     = 1200
  validation {
    condition     = var.edge_requests_per_ip_per_minute >= 1
    error_message = "edge_requests_per_ip_per_minute must be at least 1."
  }
}

variable "edge_ban_seconds" {
  description = "With domain: how long Cloud Armor bans an IP that went over edge_requests_per_ip_per_minute."
  type        = number
  default     = 300
  validation {
    condition     = var.edge_ban_seconds >= 60 && var.edge_ban_seconds <= 86400
    error_message = "edge_ban_seconds must be between 60 and 86400."
  }
}

variable "max_waiting_jobs" {
  description = "Jobs one user may have queued or dispatched at once, by tier (MAX_WAITING_JOBS: tier=n,...); one more is 429 with Retry-After. A tier not listed has no cap."
  type        = string
  default     = "free=10,standard=200"
  validation {
    condition     = can(regex("^([A-Za-z0-9_-]+=[1-9][0-9]*)(,[A-Za-z0-9_-]+=[1-9][0-9]*)*$", var.max_waiting_jobs))
    error_message = "max_waiting_jobs must look like free=10,standard=200."
  }
}

variable "monthly_gpu_seconds" {
  description = "GPU-seconds one user may use per calendar month (UTC), by tier (MONTHLY_GPU_SECONDS: tier=n,...); past it, 402 until the month turns, and jobs still queued fail at dispatch (gpu_quota_exceeded). Every attempt's GPU time is billed. A tier not listed has no quota."
  type        = string
  default     = "free=1800"
  validation {
    condition     = can(regex("^([A-Za-z0-9_-]+=[0-9]+)(,[A-Za-z0-9_-]+=[0-9]+)*$", var.monthly_gpu_seconds))
    error_message = "monthly_gpu_seconds must look like free=1800,standard=36000."
  }
}

variable "max_run_seconds" {
  description = "The most seconds one job of each tier may run on the engine (MAX_RUN_SECONDS: tier=seconds,...); a request may ask for less. Past its limit the runner interrupts the prompt and the job ends timed_out, its GPU time billed. A tier not listed gets 3600, a GPU task's own limit."
  type        = string
  default     = "free=600,standard=3600"
  validation {
    condition     = can(regex("^([A-Za-z0-9_-]+=[1-9][0-9]*)(,[A-Za-z0-9_-]+=[1-9][0-9]*)*$", var.max_run_seconds))
    error_message = "max_run_seconds must look like free=600,standard=3600 (positive seconds)."
  }
}

# ---- notifications (functions/notify, api's registration routes) -------------------------------

variable "webhook_retry_schedule" {
  description = "Waits before each delivery attempt of a failing notification target (comma-separated, s/m/h; jittered by 10 %). Default: Standard Webhooks' schedule, about 27 h in all."
  type        = string
  default     = "0s,5s,5m,30m,2h,5h,10h,10h"
}

variable "notify_timeout_seconds" {
  description = "The notify function's timeout; notify reads the same value (NOTIFY_TIMEOUT_SECONDS) and starts no delivery attempt that could still run at the timeout less 10 s."
  type        = number
  default     = 120
  validation {
    condition     = var.notify_timeout_seconds >= 30 && var.notify_timeout_seconds <= 540
    error_message = "notify_timeout_seconds must hold one 15 s attempt and a 10 s margin (at least 30) and at most 540 (an event-driven function's limit)."
  }
}

variable "webhook_concurrency" {
  description = "Delivery attempts (webhooks, push, email, events) one notify run makes at once; each takes up to 15 s."
  type        = number
  default     = 10
}

variable "webhook_rotation_overlap_seconds" {
  description = "After a webhook secret rotation, how long the previous secret keeps signing too."
  type        = number
  default     = 86400
}

variable "signed_urls_per_request" {
  description = "The most output and thumbnail URLs one api answer signs anew (each an IAM signBlob call); past it, outputs get their stable /api/v2/jobs/{id}/outputs/{n} URL that signs when followed."
  type        = number
  default     = 50
  validation {
    condition     = var.signed_urls_per_request >= 1
    error_message = "signed_urls_per_request must be at least 1."
  }
}

variable "listing_max_bytes" {
  description = "The most bytes of entries one /history or /queue answer shows, prompts included; entries past it are left out (Darkroom-Listing-Truncated: true)."
  type        = number
  default     = 16777216
  validation {
    condition     = var.listing_max_bytes >= 1048576
    error_message = "listing_max_bytes must be at least 1048576 (one entry with the largest prompt)."
  }
}

variable "uploads_per_user" {
  description = "Uploads one user may have under way in one api instance at once; more answer 429."
  type        = number
  default     = 2
  validation {
    condition     = var.uploads_per_user >= 1
    error_message = "uploads_per_user must be at least 1."
  }
}

variable "upload_memory_mb" {
  description = "MiB that all uploads under way may hold in one api instance (of its 1 GiB); past it, 429."
  type        = number
  default     = 384
  validation {
    condition     = var.upload_memory_mb >= 1
    error_message = "upload_memory_mb must be at least 1."
  }
}

variable "smtp_host" {
  description = "SMTP server for email notifications; empty turns email off."
  type        = string
  default     = ""
}

variable "smtp_port" {
  description = "SMTP port (587 for STARTTLS submission)."
  type        = number
  default     = 587
}

variable "smtp_username" {
  description = "SMTP user; empty for no authentication. The password is the smtp-password secret (secrets.tf)."
  type        = string
  default     = ""
}

variable "smtp_from" {
  description = "Sender address of notification mails (required when smtp_host is set)."
  type        = string
  default     = ""
}

variable "smtp_starttls" {
  description = "Require STARTTLS on the SMTP connection."
  type        = bool
  default     = true
}

variable "domain" {
  description = "A DNS name for ComfyUI clients (e.g. comfy.example.com): creates the HTTPS load balancer of edge.tf, /ws and the API on one host. Empty: no load balancer; clients use api_url and realtime_url."
  type        = string
  default     = ""
}

variable "allowed_origins" {
  description = "Web origins whose pages may use Darkroom from a browser (ALLOWED_ORIGINS of the api and realtime; CORS on the outputs bucket), each exactly as a browser writes it: https://app.example.com, lower case, no path, no default port. Empty: pages of other origins get no CORS grant. The domain's own pages need no entry."
  type        = list(string)
  default     = []
  validation {
    condition = alltrue([for origin in var.allowed_origins :
      can(regex("^https?://[a-z0-9.-]+(:[0-9]{1,5})?$", origin)) && !can(regex(":(443|80)$", origin))
    ])
    error_message = "allowed_origins: each entry is scheme://host[:port] in lower case with http or https, no path or trailing /, no wildcard, and no default port (:443, :80)."
  }
}

variable "max_sockets_per_user" {
  description = "Open /ws sockets one user may hold on one realtime instance; past it the upgrade is answered 429."
  type        = number
  default     = 20
}

variable "max_sockets_per_instance" {
  description = "Open /ws sockets one realtime instance holds (429 past it); the service's request concurrency is 500."
  type        = number
  default     = 500
}

variable "max_event_streams_per_user" {
  description = "Open GET /api/v2/jobs/{id}/events streams one user may hold on one api instance; past it 429."
  type        = number
  default     = 10
}

variable "max_event_streams_per_instance" {
  description = "Open event streams one api instance holds (429 past it); keep it below api_request_concurrency so streams never take every request."
  type        = number
  default     = 40
}

variable "stream_recheck_seconds" {
  description = "How often an open socket's or event stream's credential is rechecked (revoked key, disabled account, revoked sessions end it)."
  type        = number
  default     = 60
}

variable "key_sign_in_max_age_seconds" {
  description = "How recent a sign-in (the ID token's auth_time) must be to create an API key."
  type        = number
  default     = 300
}

variable "inbound_integrations" {
  description = <<-EOT
    Integrations that start deployment runs by publishing on an inbound topic of their own
    (functions/runs; docs/DEPLOYMENTS.md, "Event-driven runs"). Each key (lower-case letters, digits,
    dashes) gets the topic <prefix>-runs-<key>, its dead-letter topic, and a runs function triggered by
    it. Who published is never read from a message: only `publisher` (a service account email) may
    publish on the topic, and every message on it runs as `user` (a Darkroom user id, e.g. the
    Firebase uid), limited as `tier` (default_tier when unset). `reply_topics`: the topics its messages
    may name as reply_topic (full names projects/P/topics/T, or ids in this project); their owner grants
    roles/pubsub.publisher on each to the accounts of output run_reply_publishers.
  EOT
  type = map(object({
    user         = string
    publisher    = string
    tier         = optional(string)
    reply_topics = optional(list(string), [])
  }))
  default = {}
  validation {
    condition     = alltrue([for name in keys(var.inbound_integrations) : can(regex("^[a-z0-9][a-z0-9-]{0,29}$", name))])
    error_message = "inbound_integrations keys are 1 to 30 lower-case letters, digits and dashes (they name topics and functions)."
  }
}
