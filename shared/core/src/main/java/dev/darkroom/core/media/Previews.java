package dev.darkroom.core.media;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Small previews of images: the first frame (of an animation too) scaled to fit a square box,
 * keeping the aspect ratio and never enlarging. Opaque images become JPEG (a tenth of a PNG's size
 * for photographic content); images with transparency stay PNG, which keeps it.
 *
 * <p>The image's dimensions are read from its header before any pixel is decoded, so a small file
 * claiming a huge canvas (a decompression bomb) is refused before it costs memory.
 */
public final class Previews {
  /** The longest side of a preview, in pixels. */
  public static final int BOX = 256;
  /** The most pixels a source may have: more than any output a GPU job makes (8K is 33 MP). */
  public static final long MAX_SOURCE_PIXELS = 50_000_000L;

  private Previews() {}

  /** A preview: its encoded bytes, content type and size. */
  public record Preview(byte[] bytes, String contentType, String extension, int width, int height) {}

  /** The source cannot be previewed: not an image this JVM reads, corrupt, or too large. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  public static Preview of(byte[] source) throws Refused {
    BufferedImage image = firstFrame(source);
    int[] size = fit(image.getWidth(), image.getHeight(), BOX);
    BufferedImage scaled = scale(image, size[0], size[1]);
    boolean alpha = scaled.getColorModel().hasAlpha();
    return alpha
        ? new Preview(encode(scaled, "png", 0), "image/png", ".png", size[0], size[1])
        : new Preview(encode(scaled, "jpeg", 0.85f), "image/jpeg", ".jpg", size[0], size[1]);
  }

  /** The size that fits {@code width × height} in a {@code box} square, never larger than itself. */
  static int[] fit(int width, int height, int box) {
    if (width <= box && height <= box) {
      return new int[] {width, height};
    }
    double scale = Math.min((double) box / width, (double) box / height);
    return new int[] {Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
  }

  private static BufferedImage firstFrame(byte[] source) throws Refused {
    return firstFrame(source, MAX_SOURCE_PIXELS);
  }

  /** The first frame of an image, refused before decoding when it has more than {@code maxPixels}. */
  static BufferedImage firstFrame(byte[] source, long maxPixels) throws Refused {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(source))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (in == null || !readers.hasNext()) {
        throw new Refused("not an image format this service reads");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, false, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > maxPixels) {
          throw new Refused(reader.getWidth(0) + "x" + reader.getHeight(0) + " is over "
              + maxPixels + " pixels");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // ImageIO's readers throw unchecked exceptions on some corrupt inputs as well.
      throw new Refused("unreadable image: " + e.getMessage());
    }
  }

  /**
   * Halves the image (bilinear) until within twice the target, then one last bilinear step: each
   * step averages the pixels it drops, so the result has none of the aliasing of a single large
   * step, at a fraction of the cost of an area-averaging filter.
   */
  private static BufferedImage scale(BufferedImage source, int width, int height) {
    boolean alpha = source.getColorModel().hasAlpha();
    int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    BufferedImage current = source;
    int w = source.getWidth();
    int h = source.getHeight();
    do {
      w = w / 2 >= width ? w / 2 : width;
      h = h / 2 >= height ? h / 2 : height;
      BufferedImage next = new BufferedImage(w, h, type);
      Graphics2D g = next.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(current, 0, 0, w, h, null);
      } finally {
        g.dispose();
      }
      current = next;
    } while (w != width || h != height);
    return current;
  }

  /** The image in {@code format}; {@code quality} in [0, 1] for a lossy format, 0 for the writer's default. */
  static byte[] encode(BufferedImage image, String format, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (quality > 0) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        if (param.getCompressionType() == null && param.getCompressionTypes() != null) {
          // A writer with several kinds and no default (WebP: Lossy, Lossless): the first, lossy, as Pillow's quality= is.
          param.setCompressionType(param.getCompressionTypes()[0]);
        }
        param.setCompressionQuality(quality);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a " + format + " preview", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
