package dev.darkroom.functions.api;

import java.util.Optional;

/**
 * What an upload really is, by its first bytes rather than its name or declared type: only the
 * image formats ComfyUI's loaders read (PNG, JPEG, WebP, GIF) are accepted.
 */
final class ImageKinds {
  private ImageKinds() {}

  /** The content type of an accepted image, or empty for anything else. */
  static Optional<String> contentType(byte[] b) {
    if (starts(b, 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n')) return Optional.of("image/png");
    if (starts(b, 0xff, 0xd8, 0xff)) return Optional.of("image/jpeg");
    if (starts(b, 'G', 'I', 'F', '8')) return Optional.of("image/gif");
    if (b.length >= 12 && starts(b, 'R', 'I', 'F', 'F') && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
      return Optional.of("image/webp");
    }
    return Optional.empty();
  }

  private static boolean starts(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) return false;
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xff) != prefix[i]) return false;
    }
    return true;
  }
}
