/**
 * The core ports on Google Cloud's official clients (Firestore, Pub/Sub, Cloud Storage, Cloud Run
 * Jobs, Cloud SQL), built from typed configs ({@code *Config}, each read from the environment only),
 * so one build runs locally and in GCP.
 */
package dev.darkroom.gcp;
