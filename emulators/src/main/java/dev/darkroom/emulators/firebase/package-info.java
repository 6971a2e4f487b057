/**
 * firebase-tools' Auth emulator (npm, pinned in {@code .ci/tools}) as a child process, and the
 * REST calls tests use to make users and tokens in it: valid, expired, revoked, disabled, foreign.
 */
package dev.darkroom.emulators.firebase;
