package dev.darkroom.comfyui.sim;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The previews a sampler shows while it runs: small JPEGs (ComfyUI's latent2rgb previews are one
 * pixel per latent pixel, JPEG), here a colour field that settles from noise to a smooth gradient as
 * the steps go by, the same for the same prompt, node and step.
 */
final class LatentPreviews {
  /** A 512x512 image's latent is 64x64: the size of its latent2rgb preview. */
  static final int SIZE = 64;

  private LatentPreviews() {}

  /** Whether ComfyUI's sampler nodes of this class send a preview with each step (latent_preview.prepare_callback). */
  static boolean previews(String classType) {
    return classType != null && (classType.startsWith("KSampler") || classType.startsWith("SamplerCustom"));
  }

  static byte[] jpeg(String promptId, String nodeId, int step, int steps) {
    BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    long seed = (promptId + "/" + nodeId).hashCode();
    double noise = steps <= 0 ? 0 : 1.0 - Math.min(1.0, (double) step / steps);
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        long h = mix(seed ^ (x * 31L + y * 1_000_003L + step * 7_919L));
        int jitter = (int) ((h & 0xff) - 128);
        int r = clamp(x * 4 + (int) (noise * jitter));
        int g = clamp(y * 4 + (int) (noise * (jitter >> 1)));
        int b = clamp((int) ((seed & 0x7f) + 64) + (int) (noise * -jitter));
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return encode(image, "jpg");
  }

  static byte[] png(BufferedImage image) {
    return encode(image, "png");
  }

  private static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
