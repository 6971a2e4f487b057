package dev.darkroom.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** ComfyUI's server.py {@code view_image}: {@code preview=} and {@code channel=}, case by case. */
class ImageVariantsTest {

  /** A noisy image (so quality shows in the size), with a left half half-transparent if {@code alpha}. */
  private static byte[] png(int width, int height, boolean alpha) throws Exception {
    BufferedImage image = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Random random = new Random(7);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int a = alpha && x < width / 2 ? 0x80 : 0xff;
        image.setRGB(x, y, a << 24 | random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static boolean isWebp(byte[] bytes) {
    return new String(bytes, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
        && new String(bytes, 8, 4, StandardCharsets.US_ASCII).equals("WEBP");
  }

  private static boolean isJpeg(byte[] bytes) {
    return (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8;
  }

  // preview_info[0] 'webp', quality from the last part: a WebP.
  @Test
  void webpWithAQualityIsAWebp() throws Exception {
    ImageVariants.Variant variant = ImageVariants.preview(png(64, 48, true), "webp;90", null);
    assertThat(variant.contentType()).isEqualTo("image/webp");
    assertThat(isWebp(variant.bytes())).isTrue();
  }

  // 'jpeg' converts to RGB and saves with the quality asked: a lower quality is a smaller file.
  @Test
  void jpegUsesTheQualityAsked() throws Exception {
    byte[] source = png(64, 48, true);
    ImageVariants.Variant high = ImageVariants.preview(source, "jpeg;95", null);
    ImageVariants.Variant low = ImageVariants.preview(source, "jpeg;10", null);
    assertThat(high.contentType()).isEqualTo("image/jpeg");
    assertThat(isJpeg(high.bytes())).isTrue();
    assertThat(low.bytes().length).isLessThan(high.bytes().length);
    assertThat(ImageIO.read(new ByteArrayInputStream(low.bytes())).getColorModel().hasAlpha()).isFalse();
  }

  // image_format not in ['webp', 'jpeg'], or an 'a' in channel (rgba too): WebP.
  @Test
  void anyOtherFormatOrAnAlphaChannelIsWebp() throws Exception {
    byte[] source = png(16, 16, false);
    assertThat(ImageVariants.preview(source, "png", null).contentType()).isEqualTo("image/webp");
    assertThat(ImageVariants.preview(source, "90", null).contentType()).isEqualTo("image/webp");
    assertThat(ImageVariants.preview(source, "", null).contentType()).isEqualTo("image/webp");
    assertThat(ImageVariants.preview(source, "jpeg;80", "rgba").contentType()).isEqualTo("image/webp");
    assertThat(ImageVariants.preview(source, "jpeg;80", "a").contentType()).isEqualTo("image/webp");
    assertThat(ImageVariants.preview(source, "jpeg;80", "rgb").contentType()).isEqualTo("image/jpeg");
  }

  // quality = int(last) if last.isdigit() else 90 (kept within 0..100, which the encoders take).
  @Test
  void theQualityIsTheLastPartWhenItIsDigits() {
    assertThat(ImageVariants.quality("85")).isEqualTo(85);
    assertThat(ImageVariants.quality("007")).isEqualTo(7);
    assertThat(ImageVariants.quality("webp")).isEqualTo(90);
    assertThat(ImageVariants.quality("-5")).isEqualTo(90);
    assertThat(ImageVariants.quality("")).isEqualTo(90);
    assertThat(ImageVariants.quality("150")).isEqualTo(100);
    assertThat(ImageVariants.quality("99999999999999")).isEqualTo(100);
  }

  // channel 'rgb': the colour as a PNG without alpha; 'a': a black PNG carrying the alpha; else the file itself.
  @Test
  void channelsAreSplitAsComfyUiSplitsThem() throws Exception {
    byte[] source = png(8, 4, true);
    ImageVariants.Variant rgb = ImageVariants.channel(source, "rgb").orElseThrow();
    assertThat(rgb.contentType()).isEqualTo("image/png");
    BufferedImage colour = ImageIO.read(new ByteArrayInputStream(rgb.bytes()));
    BufferedImage original = ImageIO.read(new ByteArrayInputStream(source));
    assertThat(colour.getColorModel().hasAlpha()).isFalse();
    assertThat(colour.getRGB(1, 1) & 0xffffff).isEqualTo(original.getRGB(1, 1) & 0xffffff);

    BufferedImage alpha = ImageIO.read(new ByteArrayInputStream(ImageVariants.channel(source, "a").orElseThrow().bytes()));
    assertThat(alpha.getRGB(1, 1)).isEqualTo(0x80000000);
    assertThat(alpha.getRGB(6, 1)).isEqualTo(0xff000000);

    BufferedImage opaque = ImageIO.read(new ByteArrayInputStream(
        ImageVariants.channel(png(4, 4, false), "a").orElseThrow().bytes()));
    assertThat(opaque.getRGB(0, 0)).isEqualTo(0xff000000);

    assertThat(ImageVariants.channel(source, "rgba")).isEmpty();
    assertThat(ImageVariants.channel(source, null)).isEmpty();
    assertThat(ImageVariants.reencodes(false, "rgba")).isFalse();
    assertThat(ImageVariants.reencodes(false, "a")).isTrue();
    assertThat(ImageVariants.reencodes(true, null)).isTrue();
  }

  // Bounded: a header claiming more than MAX_PIXELS is refused before any pixel is decoded; no image is refused.
  @Test
  void aHugeOrNoImageIsRefused() {
    assertThatThrownBy(() -> ImageVariants.preview(pngHeader(5000, 5000), "webp;90", null))
        .isInstanceOf(Previews.Refused.class).hasMessageContaining("5000x5000");
    assertThatThrownBy(() -> ImageVariants.channel("not an image".getBytes(StandardCharsets.UTF_8), "rgb"))
        .isInstanceOf(Previews.Refused.class);
  }

  /** A PNG signature and IHDR chunk (valid CRC) claiming {@code width × height}, and nothing else. */
  private static byte[] pngHeader(int width, int height) {
    ByteBuffer chunk = ByteBuffer.allocate(17);
    chunk.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
        .put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(chunk.array());
    ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}).putInt(13).put(chunk.array())
        .putInt((int) crc.getValue());
    return png.array();
  }
}
