# The Darkroom console (clients/console) in the cloud: its built static files in a bucket, served
# by the load balancer of edge.tf at GET / and /console/... (the paths the local stack's edge gives
# it; no API route uses them), so the page and the API share one origin and need no CORS. Created
# only with var.domain, like the load balancer: without one there is nothing to serve it.
#
# Cloud Build fills the bucket after apply (cloudbuild.yaml, console-upload): clients/console/dist
# and console/config.json for this deployment (auth on, the Firebase web config, the real engine).
#
# The objects are public: a backend bucket reads a bucket anonymously, so Google's documented setup
# for serving a bucket through a load balancer grants allUsers roles/storage.objectViewer. That is
# safe here because this bucket holds only what any visitor's browser downloads anyway: the built
# JavaScript, CSS and HTML, and config.json, whose Firebase *web* config (API key, auth domain,
# project) is public by design (it identifies the project; access is decided by Firebase Auth and
# the api's checks). No user data, output or secret is ever written here; outputs stay in the
# private outputs bucket behind signed URLs. objectViewer lets nobody list or write the bucket.
resource "google_storage_bucket" "console" {
  count                       = local.edge
  project                     = var.project_id
  name                        = "${local.bucket_prefix}-console"
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  # Public reads are the point of this bucket (above); "enforced" would forbid the allUsers grant.
  public_access_prevention = "inherited"
  labels                   = local.labels
  # Every deploy replaces the whole site: Terraform may delete the bucket with what the build put in it.
  force_destroy = true

  # GET / serves the page: the load balancer asks the bucket for "/", which this maps to index.html.
  website {
    main_page_suffix = "index.html"
  }
}

resource "google_storage_bucket_iam_member" "console_public_read" {
  count  = local.edge
  bucket = google_storage_bucket.console[0].name
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

# Cloud CDN on: the files are the same for every visitor and change only with a deploy, so edge
# caches serve them near the browser and a flood of page loads is absorbed there instead of
# reaching the bucket (a backend bucket cannot carry the api's rate-based Cloud Armor policy).
# USE_ORIGIN_HEADERS: the objects' Cache-Control, set by Cloud Build, decides: hashed chunks are
# immutable for a year, index.html, the entry bundle and config.json are no-cache (revalidated, so a
# deploy shows at once).
resource "google_compute_backend_bucket" "console" {
  count       = local.edge
  project     = var.project_id
  name        = "${local.name}-console"
  description = "The Darkroom console's static files (clients/console/dist)"
  bucket_name = google_storage_bucket.console[0].name
  enable_cdn  = true
  cdn_policy {
    cache_mode = "USE_ORIGIN_HEADERS"
  }
}
