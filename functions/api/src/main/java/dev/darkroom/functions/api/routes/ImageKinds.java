package dev.darkroom.functions.api.routes;

import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.functions.api.http.RequestBodies;
import java.util.Optional;

/**
 * What an upload really is, by its first bytes rather than its name or declared type: only the
 * image formats ComfyUI's loaders read and browsers make (PNG, JPEG, WebP, GIF) are accepted, and
 * only with a header that states the image's size. BMP and TIFF, which Pillow also opens, are
 * refused: no ComfyUI frontend produces them, and TIFF's many variants are the riskier decoders.
 * The size is read from the header without decoding, and an image past
 * {@link InputLimits#UPLOAD_PIXELS} is refused: the GPU job would decode it in full.
 */
final class ImageKinds {
  private ImageKinds() {}

  /** Width and height as the header states them. */
  record Size(long width, long height) {
    /** Saturating: a PNG may state 2^32 - 1 by 2^32 - 1. */
    long pixels() {
      try {
        return Math.multiplyExact(width, height);
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }
  }

  /**
   * The content type of an accepted image, or empty for anything else (not an image of these
   * kinds, or a header too short to state its size); a refusal with 413 for an image whose header
   * states more than {@link InputLimits#UPLOAD_PIXELS} pixels.
   */
  static Optional<String> contentType(byte[] b) {
    Optional<String> type = kind(b);
    if (type.isEmpty()) {
      return type;
    }
    Optional<Size> size = size(type.get(), b);
    if (size.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> tooLarge = pixelRefusal(size.get());
    if (tooLarge.isPresent()) {
      throw RequestBodies.tooLarge(tooLarge.get());
    }
    return type;
  }

  /** Why an image of this size is refused (more than {@link InputLimits#UPLOAD_PIXELS} pixels), or empty. */
  static Optional<String> pixelRefusal(Size size) {
    return size.pixels() > InputLimits.UPLOAD_PIXELS
        ? Optional.of("the image is " + size.width() + "x" + size.height() + " pixels; at most "
            + InputLimits.UPLOAD_PIXELS + " pixels are accepted")
        : Optional.empty();
  }

  /** The format by its signature alone. */
  static Optional<String> kind(byte[] b) {
    if (starts(b, 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n')) return Optional.of("image/png");
    if (starts(b, 0xff, 0xd8, 0xff)) return Optional.of("image/jpeg");
    if (starts(b, 'G', 'I', 'F', '8', '7', 'a') || starts(b, 'G', 'I', 'F', '8', '9', 'a')) return Optional.of("image/gif");
    if (b.length >= 12 && starts(b, 'R', 'I', 'F', 'F') && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
      return Optional.of("image/webp");
    }
    return Optional.empty();
  }

  /** The size the header states, or empty when it states none (truncated, zero, or malformed). */
  static Optional<Size> size(String type, byte[] b) {
    Size size = switch (type) {
      case "image/png" -> png(b);
      case "image/gif" -> b.length >= 10 ? new Size(u16le(b, 6), u16le(b, 8)) : null;
      case "image/jpeg" -> jpeg(b);
      case "image/webp" -> webp(b);
      default -> null;
    };
    return size == null || size.width() <= 0 || size.height() <= 0 ? Optional.empty() : Optional.of(size);
  }

  /** The first chunk is IHDR: width and height as 32-bit big-endian integers. */
  private static Size png(byte[] b) {
    if (b.length < 24 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') return null;
    return new Size(u32be(b, 16), u32be(b, 20));
  }

  /** Walks the markers to the first start-of-frame, which holds height then width. */
  private static Size jpeg(byte[] b) {
    int i = 2;
    while (i + 3 < b.length) {
      if ((b[i] & 0xff) != 0xff) return null;
      int marker = b[i + 1] & 0xff;
      if (marker == 0xff) {
        i++;
        continue;
      }
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
        i += 2;
        continue;
      }
      if (marker == 0xd9 || marker == 0xda) return null;
      int length = u16be(b, i + 2);
      boolean startOfFrame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
      if (startOfFrame) {
        return i + 8 < b.length ? new Size(u16be(b, i + 7), u16be(b, i + 5)) : null;
      }
      if (length < 2) return null;
      i += 2 + length;
    }
    return null;
  }

  /** The first chunk: lossy ({@code VP8 }), lossless ({@code VP8L}) or extended ({@code VP8X}). */
  private static Size webp(byte[] b) {
    if (b.length < 30) return null;
    if (startsAt(b, 12, 'V', 'P', '8', ' ')) {
      if ((b[23] & 0xff) != 0x9d || (b[24] & 0xff) != 0x01 || (b[25] & 0xff) != 0x2a) return null;
      return new Size(u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
    }
    if (startsAt(b, 12, 'V', 'P', '8', 'L')) {
      if ((b[20] & 0xff) != 0x2f) return null;
      long bits = u32le(b, 21);
      return new Size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    if (startsAt(b, 12, 'V', 'P', '8', 'X')) {
      return new Size(u24le(b, 24) + 1, u24le(b, 27) + 1);
    }
    return null;
  }

  private static boolean starts(byte[] bytes, int... prefix) {
    return startsAt(bytes, 0, prefix);
  }

  private static boolean startsAt(byte[] bytes, int at, int... prefix) {
    if (bytes.length < at + prefix.length) return false;
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[at + i] & 0xff) != prefix[i]) return false;
    }
    return true;
  }

  private static int u16le(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }

  private static int u16be(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }

  private static long u24le(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (long) (b[at + 2] & 0xff) << 16;
  }

  private static long u32le(byte[] b, int at) {
    return (long) u16le(b, at) | (long) u16le(b, at + 2) << 16;
  }

  private static long u32be(byte[] b, int at) {
    return (long) u16be(b, at) << 16 | u16be(b, at + 2);
  }
}
