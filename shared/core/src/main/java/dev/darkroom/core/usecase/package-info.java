/**
 * The use cases the functions and the runner call: submit a prompt, dispatch it, claim it, apply
 * what the runner reports, authenticate a caller, find a caller's own job. Each is idempotent under
 * at-least-once delivery.
 */
package dev.darkroom.core.usecase;
