package dev.darkroom.core.job;

import java.util.Objects;

/**
 * A small preview of one image output: the object it was made from, the preview's object, its
 * size in pixels and its content type.
 */
public record Thumbnail(String sourceObject, String objectName, int width, int height, String contentType) {
  public Thumbnail {
    Objects.requireNonNull(sourceObject, "sourceObject");
    Objects.requireNonNull(objectName, "objectName");
    Objects.requireNonNull(contentType, "contentType");
  }
}
