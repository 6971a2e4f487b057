package dev.darkroom.functions.api.routes;

import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.functions.api.http.Replies;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * ComfyUI's {@code /upload/mask} composition: the original image, converted to RGBA, takes the
 * mask's alpha channel, and is saved as PNG. Images are decoded only after their dimensions are
 * checked, so a small file cannot claim gigabytes of pixels.
 */
final class MaskedImages {
  private MaskedImages() {}

  static byte[] applyMask(byte[] original, byte[] mask) {
    BufferedImage base = decode(original, "the original image");
    BufferedImage alpha = decode(mask, "the mask");
    if (base.getWidth() != alpha.getWidth() || base.getHeight() != alpha.getHeight()) {
      throw Replies.Refusal.badRequest("the mask is " + alpha.getWidth() + "x" + alpha.getHeight()
          + " but the original image is " + base.getWidth() + "x" + base.getHeight());
    }
    BufferedImage out = new BufferedImage(base.getWidth(), base.getHeight(), BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < base.getHeight(); y++) {
      for (int x = 0; x < base.getWidth(); x++) {
        int a = alpha.getColorModel().hasAlpha() ? (alpha.getRGB(x, y) >>> 24) : 0xff;
        out.setRGB(x, y, (a << 24) | (base.getRGB(x, y) & 0xffffff));
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(out, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a PNG in memory", e);
    }
    return png.toByteArray();
  }

  /**
   * The pixels {@code bytes} declares in its header, read without decoding it, so that what
   * composing a mask holds can be reserved before it is decoded; refused as {@link #applyMask} would.
   */
  static long pixels(byte[] bytes, String what) {
    return withReader(bytes, what, reader -> (long) reader.getWidth(0) * reader.getHeight(0));
  }

  private static BufferedImage decode(byte[] bytes, String what) {
    return withReader(bytes, what, reader -> {
      if ((long) reader.getWidth(0) * reader.getHeight(0) > InputLimits.MASK_PIXELS) {
        throw new Replies.Refusal(413, "413: Request Entity Too Large: " + what + " has more than "
            + InputLimits.MASK_PIXELS + " pixels");
      }
      return reader.read(0);
    });
  }

  private interface ReaderUse<T> {
    T apply(ImageReader reader) throws IOException;
  }

  private static <T> T withReader(byte[] bytes, String what, ReaderUse<T> use) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw Replies.Refusal.badRequest(what + " is not an image this server can decode");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return use.apply(reader);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof Replies.Refusal refusal) throw refusal;
      throw Replies.Refusal.badRequest(what + " cannot be decoded: " + e.getMessage());
    }
  }
}
