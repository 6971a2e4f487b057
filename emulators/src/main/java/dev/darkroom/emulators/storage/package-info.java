/**
 * A local Cloud Storage: the GCS JSON API as the official Java client speaks it, V4 signed-URL
 * downloads and fault injection, with objects kept as plain files under a data directory.
 */
package dev.darkroom.emulators.storage;
