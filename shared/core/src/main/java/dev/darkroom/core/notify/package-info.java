/**
 * Telling people and systems that a job ended: Standard Webhooks signatures, the outbound URL
 * policy, and the records the notify use case keeps about each delivery.
 */
package dev.darkroom.core.notify;
