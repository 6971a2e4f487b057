/**
 * Cloud Run Jobs (Admin API v2) emulator: the official gRPC API served in process, where each task
 * is a real child process with Cloud Run's environment, retries, timeouts and fault injection.
 */
package dev.darkroom.emulators.run;
