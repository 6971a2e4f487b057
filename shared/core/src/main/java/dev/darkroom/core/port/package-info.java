/**
 * The ports the domain needs from the outside world; {@code shared/gcp} implements them on
 * Google Cloud's official clients, {@code shared/testing} in memory.
 */
package dev.darkroom.core.port;
