/**
 * Logging as Cloud Logging reads it, for every deployable: shared/gcp's logback.xml (on each one's
 * classpath through this jar) writes JSON lines whose severity is Cloud Logging's own name.
 */
package dev.darkroom.gcp.logging;
