package dev.darkroom.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

class PreviewsTest {

  @Test
  void aLargeOpaqueImageBecomesAJpegThatFitsTheBoxAndLooksLikeIt() throws Exception {
    byte[] png = encode(quadrants(1024, 512, false), "png");

    Previews.Preview preview = Previews.of(png);

    assertThat(preview.contentType()).isEqualTo("image/jpeg");
    assertThat(preview.extension()).isEqualTo(".jpg");
    assertThat(new int[] {preview.width(), preview.height()}).containsExactly(256, 128);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(preview.bytes()));
    assertThat(decoded.getWidth()).isEqualTo(256);
    assertThat(decoded.getHeight()).isEqualTo(128);
    // Each quadrant keeps its colour (JPEG moves values a little; the means stay put).
    assertClose(mean(decoded, 0, 0, 128, 64), Color.RED);
    assertClose(mean(decoded, 128, 0, 128, 64), Color.GREEN);
    assertClose(mean(decoded, 0, 64, 128, 64), Color.BLUE);
    assertClose(mean(decoded, 128, 64, 128, 64), Color.WHITE);
    assertThat(preview.bytes().length).isLessThan(png.length);
  }

  @Test
  void transparencyStaysAPngAndTallImagesFitByHeight() throws Exception {
    Previews.Preview preview = Previews.of(encode(quadrants(300, 900, true), "png"));

    assertThat(preview.contentType()).isEqualTo("image/png");
    assertThat(new int[] {preview.width(), preview.height()}).containsExactly(85, 256);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(preview.bytes()));
    assertThat(decoded.getColorModel().hasAlpha()).isTrue();
    assertThat(new Color(decoded.getRGB(80, 250), true).getAlpha()).isZero();
  }

  @Test
  void aSmallImageIsNotEnlarged() throws Exception {
    Previews.Preview preview = Previews.of(encode(quadrants(120, 80, false), "jpeg"));
    assertThat(new int[] {preview.width(), preview.height()}).containsExactly(120, 80);
  }

  @Test
  void anAnimationIsPreviewedByItsFirstFrame() throws Exception {
    BufferedImage first = solid(400, 400, Color.RED);
    BufferedImage second = solid(400, 400, Color.BLUE);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
    ByteArrayOutputStream gif = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(gif)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      writer.writeToSequence(new IIOImage(first, null, null), null);
      writer.writeToSequence(new IIOImage(second, null, null), null);
      writer.endWriteSequence();
    }
    assertThat(ImageIO.getImageReadersByFormatName("gif").next()).satisfies(reader -> {
      reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(gif.toByteArray())));
      assertThat(reader.getNumImages(true)).isEqualTo(2);
    });

    Previews.Preview preview = Previews.of(gif.toByteArray());

    assertThat(new int[] {preview.width(), preview.height()}).containsExactly(256, 256);
    assertClose(mean(ImageIO.read(new ByteArrayInputStream(preview.bytes())), 0, 0, 256, 256), Color.RED);
  }

  @Test
  void aHeaderClaimingAHugeCanvasIsRefusedBeforeDecoding() throws Exception {
    byte[] png = encode(solid(2, 2, Color.BLACK), "png");
    // IHDR starts at byte 8: length (4), "IHDR" (4), width (4), height (4), ..., CRC over type+data.
    ByteBuffer buffer = ByteBuffer.wrap(png);
    buffer.putInt(16, 100_000).putInt(20, 100_000);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    buffer.putInt(29, (int) crc.getValue());

    assertThatThrownBy(() -> Previews.of(png)).isInstanceOf(Previews.Refused.class)
        .hasMessageContaining("100000x100000");
  }

  @Test
  void bytesThatAreNoImageAreRefused() {
    assertThatThrownBy(() -> Previews.of("%PDF-1.7 not an image".getBytes()))
        .isInstanceOf(Previews.Refused.class);
    assertThatThrownBy(() -> Previews.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0}))
        .isInstanceOf(Previews.Refused.class);
  }

  @Test
  void fitKeepsTheAspectRatio() {
    assertThat(Previews.fit(1000, 10, 256)).containsExactly(256, 3);
    assertThat(Previews.fit(10_000, 1, 256)).containsExactly(256, 1);
    assertThat(Previews.fit(256, 256, 256)).containsExactly(256, 256);
  }

  private static BufferedImage quadrants(int width, int height, boolean transparentCorner) {
    BufferedImage image = new BufferedImage(width, height,
        transparentCorner ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, width / 2, height / 2);
    g.setColor(Color.GREEN);
    g.fillRect(width / 2, 0, width - width / 2, height / 2);
    g.setColor(Color.BLUE);
    g.fillRect(0, height / 2, width / 2, height - height / 2);
    g.setColor(transparentCorner ? new Color(0, 0, 0, 0) : Color.WHITE);
    g.setComposite(java.awt.AlphaComposite.Src);
    g.fillRect(width / 2, height / 2, width - width / 2, height - height / 2);
    g.dispose();
    return image;
  }

  private static BufferedImage solid(int width, int height, Color color) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }

  private static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).isTrue();
    return out.toByteArray();
  }

  /** The mean colour of a rectangle, leaving out a 4-pixel margin where quadrants blend. */
  private static Color mean(BufferedImage image, int x, int y, int width, int height) {
    long r = 0;
    long g = 0;
    long b = 0;
    long n = 0;
    for (int i = x + 4; i < x + width - 4; i++) {
      for (int j = y + 4; j < y + height - 4; j++) {
        Color c = new Color(image.getRGB(i, j));
        r += c.getRed();
        g += c.getGreen();
        b += c.getBlue();
        n++;
      }
    }
    return new Color((int) (r / n), (int) (g / n), (int) (b / n));
  }

  private static void assertClose(Color actual, Color expected) {
    assertThat(Math.abs(actual.getRed() - expected.getRed())).as("red of %s", actual).isLessThan(12);
    assertThat(Math.abs(actual.getGreen() - expected.getGreen())).as("green of %s", actual).isLessThan(12);
    assertThat(Math.abs(actual.getBlue() - expected.getBlue())).as("blue of %s", actual).isLessThan(12);
  }
}
