# Firestore (native mode): the live jobs/{id} documents clients listen to. The code uses the
# project's (default) database; an environment keeps its data in its own collection
# (local.jobs_collection), so only one environment per project manages the database itself.
resource "google_firestore_database" "default" {
  count = var.manage_firestore_database ? 1 : 0

  project                           = var.project_id
  name                              = "(default)"
  location_id                       = var.region
  type                              = "FIRESTORE_NATIVE"
  concurrency_mode                  = "OPTIMISTIC"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = var.deletion_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  deletion_policy                   = "ABANDON"

  depends_on = [google_project_service.enabled]
}

# A daily backup, besides the 7 days of point-in-time recovery.
resource "google_firestore_backup_schedule" "daily" {
  count = var.manage_firestore_database ? 1 : 0

  project   = var.project_id
  database  = google_firestore_database.default[0].name
  retention = var.firestore_backup_retention

  daily_recurrence {}
}

# FirestoreJobStore's history/queue listing and GET /api/v2/jobs pages (shared/gcp):
#   where userId == u, where status in [...], order by createdAt desc, limit n
#   where userId == u, where status in [...], createdAt > a, createdAt < b,
#     order by createdAt desc, __name__ desc, start after (t, id), limit n
# An equality and an `in` filter with an order on a third field need this composite index; the
# pages always filter on status (every status when the client names none) so that this one index
# serves them, and __name__ (the document id, the tie-break) is implicit in every index, in the
# direction of its last field.
# FirestoreJobFeed's listeners of one job, of a user's unfinished jobs and of a client's unfinished
# jobs use equality and `in` filters only, with no order: Firestore serves those by merging
# single-field indexes, so they need none. Its listener of a client's recent jobs has a range
# (jobs_by_client_updated, below).
resource "google_firestore_index" "jobs_by_user_status_created" {
  project    = var.project_id
  database   = "(default)"
  collection = local.jobs_collection

  fields {
    field_path = "userId"
    order      = "ASCENDING"
  }
  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "createdAt"
    order      = "DESCENDING"
  }

  depends_on = [google_firestore_database.default]
}

# FirestoreJobFeed.jobsOfClient (a /ws socket): the client's jobs changed lately, so that a socket
# holds what its client has under way and did in the last minutes, not every job sent with its id:
#   where userId == u, where clientId == c, where updatedAt >= t
resource "google_firestore_index" "jobs_by_client_updated" {
  project    = var.project_id
  database   = "(default)"
  collection = local.jobs_collection

  fields {
    field_path = "userId"
    order      = "ASCENDING"
  }
  fields {
    field_path = "clientId"
    order      = "ASCENDING"
  }
  fields {
    field_path = "updatedAt"
    order      = "ASCENDING"
  }

  depends_on = [google_firestore_database.default]
}

# JobStore.historyForUser: ComfyUI's /history, with the caller's max_items as the query's limit
# and offset as its offset, so the hidden flag is a filter of the query rather than of the answer:
#   where userId == u, where hiddenFromHistory == false, where status in [finished],
#     order by createdAt desc (the newest N) or asc (offset paging), limit n
# JobStore.countForUser (GET /prompt's queue_remaining, the waiting-jobs limit) and the queue
# positions (JobStore.queuedAhead: status == queued and number below, or equal with a lower
# document id) are count aggregations over equality filters and the jobs_queued_in_order index.
resource "google_firestore_index" "jobs_history_newest_first" {
  project    = var.project_id
  database   = "(default)"
  collection = local.jobs_collection

  fields {
    field_path = "userId"
    order      = "ASCENDING"
  }
  fields {
    field_path = "hiddenFromHistory"
    order      = "ASCENDING"
  }
  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "createdAt"
    order      = "DESCENDING"
  }

  depends_on = [google_firestore_database.default]
}

resource "google_firestore_index" "jobs_history_oldest_first" {
  project    = var.project_id
  database   = "(default)"
  collection = local.jobs_collection

  fields {
    field_path = "userId"
    order      = "ASCENDING"
  }
  fields {
    field_path = "hiddenFromHistory"
    order      = "ASCENDING"
  }
  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "createdAt"
    order      = "ASCENDING"
  }

  depends_on = [google_firestore_database.default]
}

# JobStore.queuedWithFingerprint: a draining runner's look for queued jobs needing the models it
# has loaded (two equalities ordered by a third field).
resource "google_firestore_index" "jobs_queued_by_fingerprint" {
  project    = var.project_id
  database   = "(default)"
  collection = local.jobs_collection

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "fingerprint"
    order      = "ASCENDING"
  }
  fields {
    field_path = "number"
    order      = "ASCENDING"
  }

  depends_on = [google_firestore_database.default]
}

# JobStore.unchangedSince: the reconciler's look for jobs stuck in a status (an equality and a
# range on the ordering field).
resource "google_firestore_index" "jobs_by_status_updated" {
  project    = var.project_id
  database   = "(default)"
  collection = local.jobs_collection

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "updatedAt"
    order      = "ASCENDING"
  }

  depends_on = [google_firestore_database.default]
}

# JobStore.queued: a draining runner's look for the oldest queued job of any fingerprint, and
# dispatch's check whether idle runners can take the whole queue (an equality ordered by a field).
resource "google_firestore_index" "jobs_queued_in_order" {
  project    = var.project_id
  database   = "(default)"
  collection = local.jobs_collection

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "number"
    order      = "ASCENDING"
  }

  depends_on = [google_firestore_database.default]
}

# JobStore.firstQueuedOfEachUser: a draining runner's and the reconciler's look past a window that
# one user's backlog fills: each user's first queued job in their own order, one query per user
# starting after the previous user (an equality ordered by two fields).
resource "google_firestore_index" "jobs_queued_by_user" {
  project    = var.project_id
  database   = "(default)"
  collection = local.jobs_collection

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }
  fields {
    field_path = "userId"
    order      = "ASCENDING"
  }
  fields {
    field_path = "number"
    order      = "ASCENDING"
  }

  depends_on = [google_firestore_database.default]
}

# POST /api/v2/jobs Idempotency-Key records (FirestoreIdempotencyKeys): Firestore deletes a record
# within about a day after its expireAt. Until then the code reads an expired record as absent, which
# is also all the emulator (no TTL) ever does. No index on expireAt: nothing queries it, and an
# indexed timestamp that only grows is a write hotspot.
resource "google_firestore_field" "idempotency_keys_ttl" {
  project    = var.project_id
  database   = "(default)"
  collection = local.idempotency_keys_collection
  field      = "expireAt"

  ttl_config {}
  index_config {}

  depends_on = [google_firestore_database.default]
}

# Stream tickets (FirestoreStreamTickets): a used ticket is deleted when it is taken; one never used
# expires after 60 s and Firestore deletes it within about a day. Until then the code refuses it as
# expired. No index on expireAt, as for idempotency keys.
resource "google_firestore_field" "stream_tickets_ttl" {
  project    = var.project_id
  database   = "(default)"
  collection = local.stream_tickets_collection
  field      = "expireAt"

  ttl_config {}
  index_config {}

  depends_on = [google_firestore_database.default]
}

# Model tombstones (FirestoreModelStore): a file deleted through the API leaves a record at the
# deleted generation, so that a late finalize event cannot bring it back; it carries expireAt a week
# on (the longest Pub/Sub keeps an event) and Firestore deletes it within about a day after. Listings
# never read tombstones (they ask for the other states), so this only keeps the collection from
# growing with every delete. No index on expireAt, as for idempotency keys.
resource "google_firestore_field" "models_tombstones_ttl" {
  project    = var.project_id
  database   = "(default)"
  collection = local.models_collection
  field      = "expireAt"

  ttl_config {}
  index_config {}

  depends_on = [google_firestore_database.default]
}

# The engine's live frames of each running job (FirestoreJobLiveStream, jobs_live/{jobId}): the
# runner replaces the document at most twice a second while the job runs; Firestore deletes it
# within about a day after its expireAt. Nothing queries these documents (followers listen to one
# by id), so neither the frames (up to 900 kB of text and image bytes per write) nor expireAt are
# indexed: a write costs no index entries.
resource "google_firestore_field" "jobs_live_ttl" {
  project    = var.project_id
  database   = "(default)"
  collection = local.jobs_live_collection
  field      = "expireAt"

  ttl_config {}
  index_config {}

  depends_on = [google_firestore_database.default]
}

resource "google_firestore_field" "jobs_live_frames" {
  project    = var.project_id
  database   = "(default)"
  collection = local.jobs_live_collection
  field      = "frames"

  index_config {}

  depends_on = [google_firestore_database.default]
}
