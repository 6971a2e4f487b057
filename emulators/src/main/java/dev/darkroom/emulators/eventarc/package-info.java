/**
 * Eventarc, locally: delivers each message of a Pub/Sub emulator topic to a function as the
 * CloudEvent Eventarc would send, with Eventarc's retries, dead-lettering and injectable faults.
 */
package dev.darkroom.emulators.eventarc;
