# Monitoring as code: log-based metrics from the deployables' structured JSON logs, one dashboard,
# and the alerts docs/OPERATIONS.md explains ("Alerts").
#
# The metrics read fields of the deployables' JSON log lines (SLF4J key-value pairs):
# - the runner, once per prompt that reached an end on the engine (Runner.java): `outcome` (its
#   PromptOutcome: Completed, Failed, Interrupted = cancelled or handed back, TimedOut = watchdog)
#   and `gpuSeconds` (the time the prompt held ComfyUI), with jobId, userId, executionName;
# - the runner, once per task when the engine answers (EngineStartup.java): `coldStartSeconds`;
# - the runner, once per loader node of each completed prompt (ModelLoads.java): `modelLoadSeconds`,
#   `modelCached` (served from ComfyUI's cache: nothing loaded), `modelPaths`, `modelBytes`;
# - dispatch, the runner and job-events, once per change of a job's status they make (JobLatency.java):
#   `jobStatus` and `secondsSinceSubmitted`;
# - the runner, under the keep-warm policy (WarmWait.java): `idleSeconds` for each stretch of idle
#   time it counts against the day's budget, and on each new decision `warmDecision` (its reason:
#   pinned, traffic, grace, budget_spent, not_needed, queued_work_needs_the_slot), `warmWanted`,
#   `idleSecondsToday` and `idleBudgetSeconds`;
# - reconcile, once per sweep, so every minute (ReconcileJobs.java): `queuedJobs`,
#   `dispatchedJobs`, `runningJobs`; and `warmTopUp: launched` for each task it launches with no
#   job to keep the warm set up (TopUpWarmTasks.java).

locals {
  runner_logs  = "resource.type=\"cloud_run_job\" AND resource.labels.job_name=\"${google_cloud_run_v2_job.gpu.name}\""
  prompt_ended = "${local.runner_logs} AND jsonPayload.gpuSeconds>=0"
  channels     = var.alert_email == "" ? [] : [google_monitoring_notification_channel.email[0].id]
}

resource "google_logging_metric" "job_terminal_states" {
  project     = var.project_id
  name        = "${local.name}-job-terminal-states"
  description = "Prompts that ended on a GPU task, by outcome (Completed, Failed, Interrupted, TimedOut)."
  filter      = local.prompt_ended

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
    labels {
      key         = "status"
      value_type  = "STRING"
      description = "The runner's PromptOutcome"
    }
  }
  label_extractors = {
    status = "EXTRACT(jsonPayload.outcome)"
  }
}

resource "google_logging_metric" "gpu_seconds" {
  project     = var.project_id
  name        = "${local.name}-gpu-seconds"
  description = "GPU seconds per prompt (wall time the prompt held ComfyUI), by outcome."
  filter      = local.prompt_ended

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "s"
    labels {
      key        = "status"
      value_type = "STRING"
    }
  }
  value_extractor = "EXTRACT(jsonPayload.gpuSeconds)"
  label_extractors = {
    status = "EXTRACT(jsonPayload.outcome)"
  }
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 32
      growth_factor      = 1.5
      scale              = 1
    }
  }
}

resource "google_logging_metric" "cold_start" {
  project     = var.project_id
  name        = "${local.name}-gpu-cold-start"
  description = "Seconds from a GPU task's runner start to ComfyUI answering (image pull and container start not included)."
  filter      = "${local.runner_logs} AND jsonPayload.coldStartSeconds>=0"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "s"
  }
  value_extractor = "EXTRACT(jsonPayload.coldStartSeconds)"
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 24
      growth_factor      = 1.5
      scale              = 1
    }
  }
}

resource "google_logging_metric" "warm_idle" {
  project     = var.project_id
  name        = "${local.name}-gpu-warm-idle"
  description = "GPU-seconds tasks spent idle, waiting for prompts (keep-warm policy), counted against WARM_IDLE_BUDGET_SECONDS a day."
  filter      = "${local.runner_logs} AND jsonPayload.idleSeconds>=0"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "s"
  }
  value_extractor = "EXTRACT(jsonPayload.idleSeconds)"
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 24
      growth_factor      = 2
      scale              = 1
    }
  }
}

# One sample per new decision of a waiting task: its maximum over a minute is how many tasks the
# policy wanted warm (pinned or for the traffic).
resource "google_logging_metric" "warm_wanted" {
  project     = var.project_id
  name        = "${local.name}-gpu-warm-wanted"
  description = "GPU tasks the keep-warm policy wants up (pinned or for the traffic), by the reason of the decision."
  filter      = "${local.runner_logs} AND jsonPayload.warmWanted>=0"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "1"
    labels {
      key         = "reason"
      value_type  = "STRING"
      description = "The decision's reason (KeepWarm.Reason)"
    }
  }
  value_extractor = "EXTRACT(jsonPayload.warmWanted)"
  label_extractors = {
    reason = "EXTRACT(jsonPayload.warmDecision)"
  }
  bucket_options {
    linear_buckets {
      num_finite_buckets = 20
      width              = 1
      offset             = 0
    }
  }
}

resource "google_logging_metric" "warm_budget_spent" {
  project     = var.project_id
  name        = "${local.name}-gpu-warm-budget-spent"
  description = "Waiting GPU tasks sent away because the day's idle budget (WARM_IDLE_BUDGET_SECONDS) is spent."
  filter      = "${local.runner_logs} AND jsonPayload.warmDecision=\"budget_spent\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# What a model load costs on the models bucket's FUSE mount (docs/MODELS.md, "Load time"): the
# loads that read a file, not those ComfyUI served from its cache.
resource "google_logging_metric" "model_load" {
  project     = var.project_id
  name        = "${local.name}-model-load"
  description = "Seconds a loader node took to load its model files (uncached loads only), per loader."
  filter      = "${local.runner_logs} AND jsonPayload.modelLoadSeconds>=0 AND jsonPayload.modelCached=false"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "s"
  }
  value_extractor = "EXTRACT(jsonPayload.modelLoadSeconds)"
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 24
      growth_factor      = 1.5
      scale              = 0.1
    }
  }
}

resource "google_logging_metric" "job_latency" {
  project     = var.project_id
  name        = "${local.name}-job-latency"
  description = "Seconds from a job's submission to each status it reaches (dispatched, running, succeeded, failed, ...), by status."
  filter      = "((resource.type=\"cloud_run_revision\" AND resource.labels.service_name=starts_with(\"${local.name}-\")) OR (${local.runner_logs})) AND jsonPayload.secondsSinceSubmitted>=0"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "s"
    labels {
      key        = "status"
      value_type = "STRING"
    }
  }
  value_extractor = "EXTRACT(jsonPayload.secondsSinceSubmitted)"
  label_extractors = {
    status = "EXTRACT(jsonPayload.jobStatus)"
  }
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 32
      growth_factor      = 1.5
      scale              = 1
    }
  }
}

# A sample a minute (each reconcile sweep counts the jobs by status); chart its maximum.
resource "google_logging_metric" "queue_depth" {
  project     = var.project_id
  name        = "${local.name}-queue-depth"
  description = "Jobs waiting for a GPU (queued), counted by each reconcile sweep."
  filter      = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${local.name}-reconcile\" AND jsonPayload.queuedJobs>=0"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "DISTRIBUTION"
    unit        = "1"
  }
  value_extractor = "EXTRACT(jsonPayload.queuedJobs)"
  bucket_options {
    exponential_buckets {
      num_finite_buckets = 30
      growth_factor      = 1.6
      scale              = 1
    }
  }
}

# Keep-warm's two moves that cost or spare a launch: tasks the reconciler launches with no job to
# keep the warm set up, and jobs dispatch leaves queued for warm tasks instead of launching.
resource "google_logging_metric" "warm_top_ups" {
  project     = var.project_id
  name        = "${local.name}-gpu-warm-top-ups"
  description = "GPU tasks the reconciler launched with no job, to keep the keep-warm policy's warm set up."
  filter      = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${local.name}-reconcile\" AND jsonPayload.warmTopUp=\"launched\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

resource "google_logging_metric" "warm_leaves" {
  project     = var.project_id
  name        = "${local.name}-gpu-warm-leaves"
  description = "Deliveries in which dispatch left a job queued for warm tasks instead of launching (a job can be left more than once)."
  # The invoker logs DispatchJobs.LeftForWarmTasksException at ERROR with its text in the message
  # (terraform/checks MonitoringTest ties the two, as for delivery-failures below).
  filter = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${local.name}-dispatch\" AND severity>=ERROR AND jsonPayload.message:\"stays queued for warm tasks\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# Messages that could never succeed are acknowledged with a WARNING ("acknowledging malformed ...",
# DispatchFunction, JobEventsFunction): they never reach a dead-letter topic, so count them here.
resource "google_logging_metric" "malformed_messages" {
  project     = var.project_id
  name        = "${local.name}-malformed-messages"
  description = "Pub/Sub messages acknowledged as malformed by an event function."
  filter      = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=starts_with(\"${local.name}-\") AND severity=WARNING AND jsonPayload.message=~\"^acknowledging malformed\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# Dead letters: Pub/Sub writes no log line when it dead-letters, so the alert below reads Pub/Sub's
# own metric on the dead-letter topics; this log-based metric counts the ERROR lines the invoker
# writes for deliveries the event functions threw back, for the dashboard.
resource "google_logging_metric" "dead_letters" {
  project     = var.project_id
  name        = "${local.name}-delivery-failures"
  description = "Failed (thrown) deliveries in the event functions: each is retried, then dead-lettered after ${local.max_delivery_attempts} attempts. A job dispatch leaves to warm tasks is thrown back for a delayed second look, not a failure, and is left out."
  # The invoker logs a thrown delivery at ERROR with the exception's text in jsonPayload.message;
  # DispatchJobs.LeftForWarmTasksException's says "stays queued for warm tasks" (terraform/checks
  # MonitoringTest ties the two).
  filter = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=starts_with(\"${local.name}-\") AND severity>=ERROR AND NOT jsonPayload.message:\"stays queued for warm tasks\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

# notify logs each delivery it gives up on (its retry schedule over, a 410, a refused URL) at ERROR
# with "delivery given up" in the message (NotifyJobEnded): webhooks, push and email alike.
resource "google_logging_metric" "webhook_failures" {
  project     = var.project_id
  name        = "${local.name}-webhook-failures"
  description = "Notification deliveries given up after their retries (notify function: webhooks, push, email)."
  filter      = "resource.type=\"cloud_run_revision\" AND resource.labels.service_name=\"${local.name}-notify\" AND severity>=ERROR AND jsonPayload.message=~\"delivery given up\""

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

resource "google_monitoring_notification_channel" "email" {
  count        = var.alert_email == "" ? 0 : 1
  project      = var.project_id
  display_name = "Darkroom ${var.prefix} on-call"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }
}

resource "google_monitoring_alert_policy" "dead_letters" {
  project               = var.project_id
  display_name          = "Darkroom ${var.prefix}: dead letters"
  combiner              = "OR"
  notification_channels = local.channels
  documentation {
    content   = "A message exhausted its deliveries and went to a <topic>-dead-letter topic. See docs/OPERATIONS.md, Alerts: dead letters."
    mime_type = "text/markdown"
  }
  conditions {
    display_name = "messages published to a dead-letter topic"
    condition_threshold {
      filter          = "metric.type=\"pubsub.googleapis.com/topic/send_message_operation_count\" AND resource.type=\"pubsub_topic\" AND resource.labels.topic_id=starts_with(\"${local.name}-\") AND resource.labels.topic_id=ends_with(\"-dead-letter\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "job_failure_rate" {
  project               = var.project_id
  display_name          = "Darkroom ${var.prefix}: job failure rate"
  combiner              = "OR"
  notification_channels = local.channels
  documentation {
    content   = "More than ${var.job_failure_ratio_threshold * 100}% of prompts failed or timed out over 15 minutes. See docs/OPERATIONS.md, Alerts: job failure rate."
    mime_type = "text/markdown"
  }
  conditions {
    display_name = "failed + timed out / all prompt ends"
    condition_prometheus_query_language {
      query               = "sum(rate(logging_googleapis_com:user_${replace(google_logging_metric.job_terminal_states.name, "-", "_")}{status=~\"Failed|TimedOut\"}[15m])) / sum(rate(logging_googleapis_com:user_${replace(google_logging_metric.job_terminal_states.name, "-", "_")}[15m])) > ${var.job_failure_ratio_threshold}"
      duration            = "300s"
      evaluation_interval = "60s"
    }
  }
}

# The Eventarc subscription behind dispatch is named by Eventarc
# (eventarc-<region>-<function>-<suffix>-sub-<n>), hence the prefix match.
resource "google_monitoring_alert_policy" "queue_age" {
  project               = var.project_id
  display_name          = "Darkroom ${var.prefix}: job queue age"
  combiner              = "OR"
  notification_channels = local.channels
  documentation {
    content   = "The oldest job-submitted message waiting for dispatch is older than ${var.queue_age_threshold_seconds} s. See docs/OPERATIONS.md, Alerts: queue age."
    mime_type = "text/markdown"
  }
  conditions {
    display_name = "oldest unacked job-submitted message"
    condition_threshold {
      filter          = "metric.type=\"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" AND resource.type=\"pubsub_subscription\" AND resource.labels.subscription_id=starts_with(\"eventarc-${var.region}-${google_cloudfunctions2_function.dispatch.name}\")"
      comparison      = "COMPARISON_GT"
      threshold_value = var.queue_age_threshold_seconds
      duration        = "120s"
      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }
    }
  }
}

resource "google_monitoring_alert_policy" "warm_budget_spent" {
  count                 = var.warm_idle_budget_seconds == null ? 0 : 1
  project               = var.project_id
  display_name          = "Darkroom ${var.prefix}: keep-warm idle budget spent"
  combiner              = "OR"
  notification_channels = local.channels
  documentation {
    content   = "GPU tasks have spent today's idle budget (${var.warm_idle_budget_seconds} GPU-seconds, warm_idle_budget_seconds): until midnight UTC, prompts after a quiet spell pay a cold start. See docs/OPERATIONS.md, Alerts: keep-warm budget, and docs/DISPATCH_SIMULATION.md."
    mime_type = "text/markdown"
  }
  conditions {
    display_name = "a waiting task left because the budget is spent"
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.warm_budget_spent.name}\" AND resource.type=\"cloud_run_job\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"
      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }
  alert_strategy {
    # Once a day is enough: the budget comes back at midnight UTC.
    notification_rate_limit {
      period = "86400s"
    }
    auto_close = "86400s"
  }
}

resource "google_monitoring_dashboard" "darkroom" {
  project = var.project_id
  dashboard_json = templatefile("${path.module}/dashboards/darkroom.json.tftpl", {
    prefix            = var.prefix
    name              = local.name
    gpu_job           = google_cloud_run_v2_job.gpu.name
    terminal_metric   = google_logging_metric.job_terminal_states.name
    gpu_metric        = google_logging_metric.gpu_seconds.name
    malformed_metric  = google_logging_metric.malformed_messages.name
    failures_metric   = google_logging_metric.dead_letters.name
    webhook_metric    = google_logging_metric.webhook_failures.name
    cold_start_metric = google_logging_metric.cold_start.name
    latency_metric    = google_logging_metric.job_latency.name
    queue_metric      = google_logging_metric.queue_depth.name
    warm_idle_metric  = google_logging_metric.warm_idle.name
    warm_metric       = google_logging_metric.warm_wanted.name
    top_up_metric     = google_logging_metric.warm_top_ups.name
    leaves_metric     = google_logging_metric.warm_leaves.name
    warm_budget       = coalesce(var.warm_idle_budget_seconds, 0)
    dispatch_function = google_cloudfunctions2_function.dispatch.name
    region            = var.region
  })
}
