locals {
  # JAVA_TOOL_OPTIONS of every deployable, chosen by bench p3 (bench/README.md, docs/PERFORMANCE.md):
  # C1 only and the serial collector start a function's JVM fastest; on one vCPU the JVM picks the
  # serial collector anyway. bench's ColdStartBench.DEPLOYED_JVM_OPTIONS must say the same.
  jvm_startup_options = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
  # FIRESTORE_ENABLE_TRACING of every deployable, read by the Firestore client itself: "off" stops
  # it formatting span attributes on every call for spans nothing exports (14% less client CPU per
  # document get, measured; docs/PERFORMANCE.md). The local stack sets the same.
  firestore_tracing = "off"

  # Every name starts with the prefix; bucket names are global, so they carry the project id too.
  name          = var.prefix
  bucket_prefix = "${var.project_id}-${var.prefix}"

  # The images Cloud Build pushes for this source_version.
  image_repository = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
  gpu_image        = "${local.image_repository}/gpu-job:${var.source_version}"
  realtime_image   = "${local.image_repository}/realtime:${var.source_version}"

  # Firestore collection of live jobs; prefixed so two environments can share the (default) database.
  jobs_collection = "${var.prefix}-jobs"
  # Beside it, each running job's live engine frames (FirestoreJobLiveStream: <jobs>_live, a day, TTL on expireAt).
  jobs_live_collection = "${local.jobs_collection}_live"
  # Firestore collection of POST /api/v2/jobs Idempotency-Key records (24 h, TTL on expireAt), prefixed likewise.
  idempotency_keys_collection = "${var.prefix}-idempotency_keys"
  # Firestore collection of users' deployments (versions in a subcollection of each), prefixed likewise.
  deployments_collection = "${var.prefix}-deployments"
  # Firestore collection of single-use stream tickets (?ticket= on /ws and on SSE; 60 s, TTL on expireAt),
  # shared by the api, which issues them, and the realtime gateway.
  stream_tickets_collection = "${var.prefix}-stream_tickets"
  # Firestore collection of GPU slot leases (GpuPool): gpu_task_cap documents, prefixed likewise.
  gpu_slots_collection = "${var.prefix}-gpu-slots"
  # Firestore collection of the models' states (models/{folder}__{name}): written by the models function.
  models_collection = "${var.prefix}-models"

  # The Cloud SQL ledger database.
  db_name = "darkroom"
  db_user = "darkroom"

  labels = {
    app = "darkroom"
    env = var.prefix
  }
}
