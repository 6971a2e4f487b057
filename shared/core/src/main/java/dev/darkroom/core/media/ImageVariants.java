package dev.darkroom.core.media;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * ComfyUI's {@code /view} re-encodings (server.py {@code view_image}): {@code preview=<format>[;<quality>]}
 * (WebP or JPEG, quality 90 unless given) and {@code channel=rgb|a} (a PNG of the colour, or of the alpha).
 * WebP is written by whatever ImageIO writer is on the class path (the api carries one); sources larger
 * than {@link #MAX_PIXELS} are refused before their pixels are decoded, so one request's memory is bounded.
 */
public final class ImageVariants {
  /** The most pixels re-encoded at once: 4096 × 4096, 64 MiB as 32-bit pixels. */
  public static final long MAX_PIXELS = 4096L * 4096L;
  /** ComfyUI's default quality. */
  static final int DEFAULT_QUALITY = 90;

  private ImageVariants() {}

  /** Re-encoded bytes and their content type. */
  public record Variant(byte[] bytes, String contentType) {}

  /**
   * {@code preview=}: the format is {@code webp} unless it is {@code jpeg} (and a {@code channel} with an
   * {@code a} in it, {@code rgba} too, makes it WebP); the last {@code ;}-part, if all digits, is the quality.
   * {@code jpeg} or {@code channel=rgb} drop the alpha; otherwise WebP keeps it.
   *
   * @param channel the {@code channel} parameter, or null
   */
  public static Variant preview(byte[] source, String preview, String channel) throws Previews.Refused {
    String[] parts = preview.split(";", -1);
    String channelText = channel == null ? "" : channel;
    String format = parts[0].equals("jpeg") && !channelText.contains("a") ? "jpeg" : "webp";
    int quality = quality(parts[parts.length - 1]);
    BufferedImage image = Previews.firstFrame(source, MAX_PIXELS);
    if (format.equals("jpeg") || channelText.equals("rgb")) {
      image = opaque(image);
    } else if (!image.getColorModel().hasAlpha() && image.getType() != BufferedImage.TYPE_INT_RGB) {
      image = copy(image, BufferedImage.TYPE_INT_RGB);
    } else if (image.getColorModel().hasAlpha() && image.getType() != BufferedImage.TYPE_INT_ARGB) {
      image = copy(image, BufferedImage.TYPE_INT_ARGB);
    }
    // The writers take a quality in (0, 1]; 0 would mean their default, so the lowest asked for is 1.
    return new Variant(Previews.encode(image, format, Math.max(1, quality) / 100f), "image/" + format);
  }

  /**
   * {@code channel=} without {@code preview=}: {@code rgb} is the colour without alpha, {@code a} an image whose
   * colour is black and whose alpha is the source's (opaque when it has none), both PNG; any other value,
   * {@code rgba} included, is the file as stored (empty).
   */
  public static Optional<Variant> channel(byte[] source, String channel) throws Previews.Refused {
    if (!"rgb".equals(channel) && !"a".equals(channel)) {
      return Optional.empty();
    }
    BufferedImage image = Previews.firstFrame(source, MAX_PIXELS);
    BufferedImage result;
    if (channel.equals("rgb")) {
      result = opaque(image);
    } else {
      result = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
      boolean alpha = image.getColorModel().hasAlpha();
      for (int y = 0; y < image.getHeight(); y++) {
        for (int x = 0; x < image.getWidth(); x++) {
          int a = alpha ? image.getRGB(x, y) >>> 24 : 0xff;
          result.setRGB(x, y, a << 24);
        }
      }
    }
    return Optional.of(new Variant(Previews.encode(result, "png", 0), "image/png"));
  }

  /** Whether {@code preview}/{@code channel} ask for a re-encoding rather than the stored file. */
  public static boolean reencodes(boolean previewGiven, String channel) {
    return previewGiven || "rgb".equals(channel) || "a".equals(channel);
  }

  /** Python's {@code str.isdigit()} then {@code int()}, kept within what the encoders take (0 to 100). */
  static int quality(String text) {
    if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return DEFAULT_QUALITY;
    }
    String digits = text.replaceFirst("^0+(?=.)", "");
    return digits.length() > 3 ? 100 : Math.min(100, Integer.parseInt(digits));
  }

  /** Pillow's {@code convert("RGB")}: the colour channels, alpha dropped (not composited). */
  private static BufferedImage opaque(BufferedImage image) {
    BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        rgb.setRGB(x, y, image.getRGB(x, y) & 0xffffff);
      }
    }
    return rgb;
  }

  private static BufferedImage copy(BufferedImage image, int type) {
    BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), type);
    Graphics2D g = copy.createGraphics();
    try {
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return copy;
  }
}
