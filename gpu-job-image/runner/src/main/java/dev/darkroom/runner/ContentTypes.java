package dev.darkroom.runner;

import java.util.Locale;
import java.util.Map;

/**
 * Content types for what ComfyUI nodes save, by file extension. Our own table rather than the
 * JDK's, whose list lacks most audio, video and 3D formats; unknown extensions are plain bytes.
 */
final class ContentTypes {
  static final String FALLBACK = "application/octet-stream";

  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("webp", "image/webp"),
      Map.entry("gif", "image/gif"),
      Map.entry("bmp", "image/bmp"),
      Map.entry("tif", "image/tiff"),
      Map.entry("tiff", "image/tiff"),
      Map.entry("avif", "image/avif"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("mp4", "video/mp4"),
      Map.entry("webm", "video/webm"),
      Map.entry("mov", "video/quicktime"),
      Map.entry("mkv", "video/x-matroska"),
      Map.entry("avi", "video/x-msvideo"),
      Map.entry("flac", "audio/flac"),
      Map.entry("wav", "audio/wav"),
      Map.entry("mp3", "audio/mpeg"),
      Map.entry("ogg", "audio/ogg"),
      Map.entry("opus", "audio/opus"),
      Map.entry("m4a", "audio/mp4"),
      Map.entry("glb", "model/gltf-binary"),
      Map.entry("gltf", "model/gltf+json"),
      Map.entry("obj", "model/obj"),
      Map.entry("json", "application/json"),
      Map.entry("txt", "text/plain"));

  private ContentTypes() {}

  static String forFilename(String filename) {
    int dot = filename.lastIndexOf('.');
    if (dot < 0 || dot == filename.length() - 1) {
      return FALLBACK;
    }
    return BY_EXTENSION.getOrDefault(filename.substring(dot + 1).toLowerCase(Locale.ROOT), FALLBACK);
  }
}
