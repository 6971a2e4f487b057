/** Image handling with the JDK's ImageIO (and any ImageIO plugins on the classpath): previews. */
package dev.darkroom.core.media;
