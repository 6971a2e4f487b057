package dev.darkroom.functions.api.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.routes.ImageKinds;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

public class ImageKindsTest {

  /** A PNG's signature and IHDR chunk stating {@code width x height}: what the upload check reads. */
  public static byte[] png(long width, long height) {
    ByteBuffer ihdr = ByteBuffer.allocate(17).put(new byte[] {'I', 'H', 'D', 'R'})
        .putInt((int) width).putInt((int) height).put(new byte[] {8, 6, 0, 0, 0});
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    return ByteBuffer.allocate(8 + 4 + 17 + 4)
        .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
        .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
  }

  /** A whole image ImageIO writes and reads: {@code format} is png, jpeg or gif. */
  static byte[] encoded(String format, int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).isTrue();
    return out.toByteArray();
  }

  public static byte[] decodablePng(int width, int height) throws Exception {
    return encoded("png", width, height);
  }

  private static ImageKinds.Size size(byte[] bytes) {
    return ImageKinds.size(ImageKinds.kind(bytes).orElseThrow(), bytes).orElseThrow();
  }

  @Test
  void pngJpegAndGifSizesAreReadFromTheirHeaders() throws Exception {
    assertThat(size(encoded("png", 640, 480))).isEqualTo(new ImageKinds.Size(640, 480));
    assertThat(size(encoded("jpeg", 123, 45))).isEqualTo(new ImageKinds.Size(123, 45));
    assertThat(size(encoded("gif", 300, 7))).isEqualTo(new ImageKinds.Size(300, 7));
    assertThat(ImageKinds.contentType(encoded("jpeg", 2, 2))).contains("image/jpeg");
    assertThat(ImageKinds.contentType(encoded("gif", 2, 2))).contains("image/gif");
  }

  /** The three WebP headers, as libwebp writes them. */
  @Test
  void webpSizesAreReadFromLossyLosslessAndExtendedHeaders() {
    byte[] lossy = webp("VP8 ", 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01);
    assertThat(size(lossy)).isEqualTo(new ImageKinds.Size(640, 480));
    // Lossless: 0x2f, then 14 bits width - 1 and 14 bits height - 1, little-endian.
    long bits = (640 - 1) | (long) (480 - 1) << 14;
    byte[] lossless = webp("VP8L", 0x2f, (int) (bits & 0xff), (int) (bits >> 8 & 0xff), (int) (bits >> 16 & 0xff),
        (int) (bits >> 24 & 0xff));
    assertThat(size(lossless)).isEqualTo(new ImageKinds.Size(640, 480));
    byte[] extended = webp("VP8X", 0x10, 0, 0, 0, 0x7f, 0x02, 0x00, 0xdf, 0x01, 0x00);
    assertThat(size(extended)).isEqualTo(new ImageKinds.Size(640, 480));
    byte[] huge = webp("VP8X", 0x10, 0, 0, 0, 0xff, 0x3f, 0x00, 0xff, 0x3f, 0x00);
    assertThatThrownBy(() -> ImageKinds.contentType(huge)).isInstanceOf(Replies.Refusal.class)
        .hasMessage("413: Request Entity Too Large: the image is 16384x16384 pixels; at most 89478485 pixels are accepted");
  }

  private static byte[] webp(String chunk, int... data) {
    byte[] b = new byte[30];
    System.arraycopy("RIFF".getBytes(), 0, b, 0, 4);
    System.arraycopy("WEBP".getBytes(), 0, b, 8, 4);
    System.arraycopy(chunk.getBytes(), 0, b, 12, 4);
    for (int i = 0; i < data.length; i++) b[20 + i] = (byte) data[i];
    return b;
  }

  @Test
  void theLimitIsOnPixelsWhateverTheShape() {
    assertThat(ImageKinds.contentType(png(9459, 9459))).contains("image/png");
    assertThat(ImageKinds.contentType(png(InputLimits.UPLOAD_PIXELS, 1))).contains("image/png");
    assertThatThrownBy(() -> ImageKinds.contentType(png(9460, 9459))).isInstanceOf(Replies.Refusal.class);
    assertThatThrownBy(() -> ImageKinds.contentType(png(0x7fffffffL, 0x7fffffffL))).isInstanceOf(Replies.Refusal.class);
  }

  @Test
  void aSignatureWithoutAUsableSizeIsNoImage() throws Exception {
    assertThat(ImageKinds.contentType(png(0, 10))).isEmpty();
    assertThat(ImageKinds.contentType(Arrays.copyOf(png(1, 1), 23))).isEmpty();
    byte[] jpeg = encoded("jpeg", 2, 2);
    assertThat(ImageKinds.contentType(Arrays.copyOf(jpeg, 20))).as("cut before its frame header").isEmpty();
    assertThat(ImageKinds.contentType(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xda, 0, 2})).isEmpty();
    assertThat(ImageKinds.contentType(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 0, 0, 0, 0})).isEmpty();
    assertThat(ImageKinds.contentType("GIF89a".getBytes())).isEmpty();
    assertThat(ImageKinds.contentType(webp("VP8 ", 0, 0, 0, 1, 2, 3, 4, 5, 6, 7))).as("no start code").isEmpty();
    assertThat(ImageKinds.contentType(webp("ALPH"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "BM", "II*\u0000", "MM\u0000*", "<svg/>", "%PDF-1.7", "GIF87", "RIFF0000WAVE"})
  void otherFormatsAreNotAccepted(String start) {
    assertThat(ImageKinds.contentType(Arrays.copyOf(start.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 64)))
        .isEqualTo(Optional.empty());
  }
}
