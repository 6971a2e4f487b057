/**
 * Image handling with the JDK's ImageIO (and any ImageIO plugins on the classpath): previews; and
 * the signed URLs stored images are read through, with the signing work bounded.
 */
package dev.darkroom.core.media;
