package dev.darkroom.comfyui.sim;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Encodes PNGs with {@code tEXt} chunks, as ComfyUI's SaveImage stores {@code prompt} and each
 * {@code extra_pnginfo} key (JSON text) so that a dropped image restores its workflow.
 */
final class PngWriter {

  private static final int SIGNATURE_LENGTH = 8;
  private static final int IHDR_CHUNK_LENGTH = 4 + 4 + 13 + 4;

  private PngWriter() {}

  /** The image as PNG bytes, with one {@code tEXt} chunk per entry, in the map's order. */
  static byte[] encode(BufferedImage image, Map<String, String> text) {
    byte[] plain;
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      if (!ImageIO.write(image, "png", out)) throw new IllegalStateException("no PNG writer");
      plain = out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    text.forEach((key, value) -> writeChunk(chunks, "tEXt", textChunk(key, value)));
    int split = SIGNATURE_LENGTH + IHDR_CHUNK_LENGTH;
    ByteArrayOutputStream png = new ByteArrayOutputStream(plain.length + chunks.size());
    png.write(plain, 0, split);
    png.writeBytes(chunks.toByteArray());
    png.write(plain, split, plain.length - split);
    return png.toByteArray();
  }

  /**
   * An animated PNG (APNG: {@code acTL}, then an {@code fcTL} before each frame's data, the first
   * frame in {@code IDAT} and the others in {@code fdAT}), looping forever, each frame
   * {@code frameMillis} long, with the text chunks before the frames, as Pillow writes
   * SaveAnimatedPNG's files.
   */
  static byte[] encodeAnimated(java.util.List<BufferedImage> frames, int frameMillis, Map<String, String> text) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    byte[] first = encode(frames.get(0), Map.of());
    png.write(first, 0, SIGNATURE_LENGTH + IHDR_CHUNK_LENGTH);
    writeChunk(png, "acTL", ByteBuffer.allocate(8).putInt(frames.size()).putInt(0).array());
    text.forEach((key, value) -> writeChunk(png, "tEXt", textChunk(key, value)));
    int sequence = 0;
    for (int i = 0; i < frames.size(); i++) {
      BufferedImage frame = frames.get(i);
      ByteBuffer fctl = ByteBuffer.allocate(26).putInt(sequence++).putInt(frame.getWidth()).putInt(frame.getHeight())
          .putInt(0).putInt(0).putShort((short) Math.min(Short.MAX_VALUE, frameMillis)).putShort((short) 1000)
          .put((byte) 0).put((byte) 0);
      writeChunk(png, "fcTL", fctl.array());
      for (byte[] idat : chunks(i == 0 ? first : encode(frame, Map.of()), "IDAT")) {
        if (i == 0) {
          writeChunk(png, "IDAT", idat);
        } else {
          writeChunk(png, "fdAT", ByteBuffer.allocate(4 + idat.length).putInt(sequence++).put(idat).array());
        }
      }
    }
    writeChunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  /** The data of each chunk of {@code type}, in order. */
  static java.util.List<byte[]> chunks(byte[] png, String type) {
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    ByteBuffer buf = ByteBuffer.wrap(png);
    buf.position(SIGNATURE_LENGTH);
    while (buf.remaining() >= 12) {
      int length = buf.getInt();
      byte[] name = new byte[4];
      buf.get(name);
      byte[] data = new byte[length];
      buf.get(data);
      buf.getInt();
      if (new String(name, StandardCharsets.ISO_8859_1).equals(type)) out.add(data);
    }
    return out;
  }

  /** The {@code tEXt} chunks of a PNG, keyword to text (for tests and tools). */
  static Map<String, String> readText(byte[] png) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    ByteBuffer buf = ByteBuffer.wrap(png);
    buf.position(SIGNATURE_LENGTH);
    while (buf.remaining() >= 12) {
      int length = buf.getInt();
      byte[] type = new byte[4];
      buf.get(type);
      byte[] data = new byte[length];
      buf.get(data);
      buf.getInt();
      if (new String(type, StandardCharsets.ISO_8859_1).equals("tEXt")) {
        int nul = 0;
        while (data[nul] != 0) nul++;
        out.put(
            new String(data, 0, nul, StandardCharsets.ISO_8859_1),
            new String(data, nul + 1, data.length - nul - 1, StandardCharsets.ISO_8859_1));
      }
    }
    return out;
  }

  private static byte[] textChunk(String key, String value) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(key.getBytes(StandardCharsets.ISO_8859_1));
    data.write(0);
    data.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
    return data.toByteArray();
  }

  private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
