/**
 * Google's own Firestore and Pub/Sub emulators as child processes, and the wiring that points the
 * official Java clients at them (plaintext channel, no credentials).
 */
package dev.darkroom.emulators.google;
