package dev.darkroom.comfyui.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;

/** The save nodes' files are well formed: what their format's readers check first. */
class MediaFilesTest {

  private static final List<BufferedImage> FRAMES = List.of(
      ImageRenderer.render(new ImageRenderer.Recipe(48, 32, 1, "a", "", "")),
      ImageRenderer.render(new ImageRenderer.Recipe(48, 32, 2, "a", "", "")));

  /** TwelveMonkeys' WebP reader, which reads every frame of an animation (libwebp's reads the first). */
  static ImageReader animatedWebpReader(ImageInputStream in) {
    var readers = ImageIO.getImageReaders(in);
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      if (reader.getClass().getName().startsWith("com.twelvemonkeys")) return reader;
    }
    throw new IllegalStateException("TwelveMonkeys' WebP reader is not on the class path");
  }

  /** The top-level box types of an ISO BMFF file, each box's size checked against the file. */
  static List<String> mp4Boxes(byte[] file) {
    List<String> types = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.wrap(file);
    while (buf.remaining() >= 8) {
      int size = buf.getInt(buf.position());
      types.add(new String(file, buf.position() + 4, 4, StandardCharsets.US_ASCII));
      assertThat(size).isGreaterThanOrEqualTo(8).isLessThanOrEqualTo(buf.remaining());
      buf.position(buf.position() + size);
    }
    assertThat(buf.remaining()).isZero();
    return types;
  }

  @Test
  void anAnimatedWebpDecodesFrameByFrameAndOneFrameIsAStillWebp() throws Exception {
    byte[] webp = MediaFiles.animatedWebp(FRAMES, 100, true, 80);
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(webp))) {
      ImageReader reader = MediaFilesTest.animatedWebpReader(in);
      reader.setInput(in);
      assertThat(reader.getNumImages(true)).isEqualTo(2);
      assertThat(reader.read(1).getWidth()).isEqualTo(48);
    }
    assertThat(ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN).getInt(4)).isEqualTo(webp.length - 8);
    assertThat(ImageIO.read(new ByteArrayInputStream(MediaFiles.animatedWebp(FRAMES.subList(0, 1), 100, false, 50)))
        .getHeight()).isEqualTo(32);
  }

  @Test
  void theMp4HoldsOneJpegPerFrameWhereItsChunkOffsetPoints() throws Exception {
    byte[] mp4 = MediaFiles.mp4(FRAMES, 8);

    assertThat(mp4Boxes(mp4)).containsExactly("ftyp", "moov", "mdat");
    String text = new String(mp4, StandardCharsets.ISO_8859_1);
    int stco = text.indexOf("stco");
    int offset = ByteBuffer.wrap(mp4).getInt(stco + 12);
    BufferedImage first = ImageIO.read(new ByteArrayInputStream(mp4, offset, mp4.length - offset));
    assertThat(first.getWidth()).isEqualTo(48);
  }

  @Test
  void theWebmIsAnEbmlDocumentOfTypeWebmWithAVp8Track() {
    byte[] webm = MediaFiles.webm(FRAMES, 12);
    String text = new String(webm, StandardCharsets.ISO_8859_1);

    assertThat(ByteBuffer.wrap(webm).getInt()).isEqualTo(0x1A45DFA3);
    assertThat(text).contains("webm", "V_VP8");
    List<byte[]> blocks = new ArrayList<>();
    ebmlBlocks(ByteBuffer.wrap(webm), blocks);
    assertThat(blocks).hasSize(FRAMES.size()).allSatisfy(block -> {
      assertThat(block[0] & 0xFF).as("track 1").isEqualTo(0x81);
      // After the block header (4 bytes) and the VP8 frame tag (3 bytes): the key frame start code.
      assertThat(new byte[] {block[7], block[8], block[9]}).containsExactly(0x9d, 0x01, 0x2a);
    });
  }

  /** Walks the EBML tree (Segment, Cluster: masters) collecting SimpleBlock payloads; sizes must fit. */
  private static void ebmlBlocks(ByteBuffer buf, List<byte[]> blocks) {
    while (buf.remaining() > 0) {
      int first = buf.get() & 0xFF;
      int idLength = Integer.numberOfLeadingZeros(first) - 23;
      long id = first;
      for (int i = 1; i < idLength; i++) id = (id << 8) | (buf.get() & 0xFF);
      int sizeFirst = buf.get() & 0xFF;
      int sizeLength = Integer.numberOfLeadingZeros(sizeFirst) - 23;
      long size = sizeFirst & (0xFF >> sizeLength);
      for (int i = 1; i < sizeLength; i++) size = (size << 8) | (buf.get() & 0xFF);
      assertThat(size).isLessThanOrEqualTo(buf.remaining());
      ByteBuffer body = buf.slice(buf.position(), (int) size);
      if (id == 0x18538067L || id == 0x1F43B675L) ebmlBlocks(body, blocks);
      if (id == 0xA3) {
        byte[] block = new byte[(int) size];
        body.get(block);
        blocks.add(block);
      }
      buf.position(buf.position() + (int) size);
    }
  }

  @Test
  void audioFilesStartAsTheirFormatsRequireAndLastAboutAsLong() {
    byte[] flac = MediaFiles.flac(2.0);
    assertThat(new String(flac, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("fLaC");
    long totalSamples = ByteBuffer.wrap(flac).getLong(8 + 10) & 0xFFFFFFFFFL;
    assertThat(totalSamples).isBetween(88_200L, 88_200L + 4096);

    byte[] mp3 = MediaFiles.mp3(1.0);
    assertThat(mp3.length % 417).isZero();
    assertThat(mp3.length / 417).isEqualTo(39);

    byte[] opus = MediaFiles.opus(1.0);
    assertThat(new String(opus, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("OggS");
    assertThat(new String(opus, 28, 8, StandardCharsets.US_ASCII)).isEqualTo("OpusHead");
  }

  @Test
  void anOggPagesChecksumIsTheOneItsReadersRecompute() {
    byte[] opus = MediaFiles.opus(0.1);
    int firstPageLength = 27 + 1 + 19;
    byte[] page = java.util.Arrays.copyOf(opus, firstPageLength);
    int stored = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getInt(22);
    ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putInt(22, 0);
    int crc = 0;
    for (byte b : page) {
      crc ^= (b & 0xFF) << 24;
      for (int i = 0; i < 8; i++) crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
    }
    assertThat(stored).isEqualTo(crc).isNotZero();
  }

  @Test
  void aLatentIsASafetensorsFileOfItsShape() throws Exception {
    byte[] latent = MediaFiles.latent(1, 64, 32, "{}");
    long headerLength = ByteBuffer.wrap(latent).order(ByteOrder.LITTLE_ENDIAN).getLong();
    var header = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(new String(latent, 8, (int) headerLength, StandardCharsets.UTF_8));

    assertThat(header.at("/latent_tensor/shape").toString()).isEqualTo("[1,4,4,8]");
    assertThat(latent.length - 8 - headerLength).isEqualTo(4L * 4 * 4 * 8);
    assertThat(header.has("latent_format_version_0")).isTrue();
  }

  @Test
  void aGlbIsGltfTwoWithItsLengthInTheHeader() {
    byte[] glb = MediaFiles.glb();
    ByteBuffer buf = ByteBuffer.wrap(glb).order(ByteOrder.LITTLE_ENDIAN);

    assertThat(new String(glb, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("glTF");
    assertThat(buf.getInt(4)).isEqualTo(2);
    assertThat(buf.getInt(8)).isEqualTo(glb.length);
  }

  @Test
  void anAnimatedPngHasOneControlChunkPerFrameAndStaysAReadablePng() throws Exception {
    byte[] apng = PngWriter.encodeAnimated(FRAMES, 100, java.util.Map.of("prompt", "{}"));

    assertThat(PngWriter.chunks(apng, "fcTL")).hasSize(2);
    assertThat(PngWriter.chunks(apng, "fdAT")).isNotEmpty();
    assertThat(PngWriter.readText(apng)).containsEntry("prompt", "{}");
    assertThat(ImageIO.read(new ByteArrayInputStream(apng)).getWidth()).isEqualTo(48);
  }
}
