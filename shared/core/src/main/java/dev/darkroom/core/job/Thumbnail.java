package dev.darkroom.core.job;

import java.util.Objects;

/**
 * A small preview of one image output: the object it was made from and that object's generation
 * (Cloud Storage's version number of it; 0 when unknown), the preview's object, its size in pixels
 * and its content type.
 */
public record Thumbnail(String sourceObject, long sourceGeneration, String objectName, int width, int height,
    String contentType) {
  public Thumbnail {
    Objects.requireNonNull(sourceObject, "sourceObject");
    Objects.requireNonNull(objectName, "objectName");
    Objects.requireNonNull(contentType, "contentType");
  }

  /** Whether this preview was made from {@code generation} of its source, or a later one. */
  public boolean covers(long generation) {
    return generation > 0 && sourceGeneration >= generation;
  }
}
