package dev.darkroom.comfyui.sim;

import com.luciad.imageio.webp.WebPWriteParam;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The files the simulated engine's save nodes write, small but real: each opens in the tools that
 * open ComfyUI's (a WebP, WebM or MP4 of the simulated frames; silent FLAC, MP3 and Opus audio; a
 * safetensors latent of zeros; an empty glTF scene). Codecs are the ones Java can write without a
 * native encoder where ComfyUI's cannot be had: the WebM carries VP8 (ComfyUI's SaveWEBM writes VP9
 * or AV1), the MP4 Motion JPEG (ComfyUI's SaveVideo writes H.264).
 */
final class MediaFiles {

  private MediaFiles() {}

  // ---- WebP (libwebp through ImageIO)

  /** One still WebP (RIFF) of the image. */
  static byte[] webp(BufferedImage image, boolean lossless, int quality) {
    ImageWriter writer = ImageIO.getImageWritersByMIMEType("image/webp").next();
    WebPWriteParam param = new WebPWriteParam(writer.getLocale());
    param.setCompressionMode(WebPWriteParam.MODE_EXPLICIT);
    param.setCompressionType(param.getCompressionTypes()[lossless ? WebPWriteParam.LOSSLESS_COMPRESSION
        : WebPWriteParam.LOSSY_COMPRESSION]);
    if (!lossless) param.setCompressionQuality(Math.max(0, Math.min(100, quality)) / 100f);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /**
   * An animated WebP (VP8X, ANIM, one ANMF per frame), each frame {@code frameMillis} long, looping
   * forever as Pillow writes it; a single frame is a still WebP, as Pillow saves one.
   */
  static byte[] animatedWebp(List<BufferedImage> frames, int frameMillis, boolean lossless, int quality) {
    if (frames.size() == 1) return webp(frames.get(0), lossless, quality);
    int width = frames.get(0).getWidth();
    int height = frames.get(0).getHeight();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(ascii("WEBP"));
    ByteBuffer vp8x = le(10);
    vp8x.put((byte) 0x02).put(new byte[3]);
    put24(vp8x, width - 1);
    put24(vp8x, height - 1);
    riffChunk(body, "VP8X", vp8x.array());
    riffChunk(body, "ANIM", le(6).putInt(0).putShort((short) 0).array());
    for (BufferedImage frame : frames) {
      ByteArrayOutputStream anmf = new ByteArrayOutputStream();
      ByteBuffer header = le(16);
      put24(header, 0);
      put24(header, 0);
      put24(header, frame.getWidth() - 1);
      put24(header, frame.getHeight() - 1);
      put24(header, Math.max(0, Math.min(0xFFFFFF, frameMillis)));
      header.put((byte) 0x02); // no blending, no disposal
      anmf.writeBytes(header.array());
      anmf.writeBytes(imageChunks(webp(frame, lossless, quality)));
      riffChunk(body, "ANMF", anmf.toByteArray());
    }
    return riff(body.toByteArray());
  }

  /** The VP8 key frame of a lossy still WebP (what a WebM's V_VP8 block holds). */
  static byte[] vp8KeyFrame(BufferedImage image, int quality) {
    byte[] webp = webp(image, false, quality);
    ByteBuffer buf = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
    buf.position(12);
    while (buf.remaining() >= 8) {
      String type = new String(webp, buf.position(), 4, StandardCharsets.US_ASCII);
      buf.position(buf.position() + 4);
      int size = buf.getInt();
      if (type.equals("VP8 ")) {
        byte[] frame = new byte[size];
        buf.get(frame);
        return frame;
      }
      buf.position(buf.position() + size + (size & 1));
    }
    throw new IllegalStateException("libwebp wrote no VP8 chunk");
  }

  /** A still WebP's chunks after its RIFF header, VP8X left out (ANMF carries VP8/VP8L/ALPH). */
  private static byte[] imageChunks(byte[] webp) {
    ByteBuffer buf = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
    buf.position(12);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (buf.remaining() >= 8) {
      int start = buf.position();
      String type = new String(webp, start, 4, StandardCharsets.US_ASCII);
      buf.position(start + 4);
      int size = buf.getInt();
      int end = buf.position() + size + (size & 1);
      if (!type.equals("VP8X")) out.write(webp, start, end - start);
      buf.position(end);
    }
    return out.toByteArray();
  }

  private static byte[] riff(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii("RIFF"));
    out.writeBytes(le(4).putInt(body.length).array());
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static void riffChunk(ByteArrayOutputStream out, String type, byte[] data) {
    out.writeBytes(ascii(type));
    out.writeBytes(le(4).putInt(data.length).array());
    out.writeBytes(data);
    if ((data.length & 1) == 1) out.write(0);
  }

  // ---- WebM (Matroska, one VP8 track, every frame a key frame)

  static byte[] webm(List<BufferedImage> frames, double fps) {
    int frameMillis = (int) Math.round(1000.0 / fps);
    ByteArrayOutputStream ebml = new ByteArrayOutputStream();
    ebml.writeBytes(ebmlUint(0x4286, 1));
    ebml.writeBytes(ebmlUint(0x42F7, 1));
    ebml.writeBytes(ebmlUint(0x42F2, 4));
    ebml.writeBytes(ebmlUint(0x42F3, 8));
    ebml.writeBytes(ebmlString(0x4282, "webm"));
    ebml.writeBytes(ebmlUint(0x4287, 2));
    ebml.writeBytes(ebmlUint(0x4285, 2));
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    info.writeBytes(ebmlUint(0x2AD7B1, 1_000_000));
    info.writeBytes(ebmlString(0x4D80, SimulatedNodes.SOFTWARE));
    info.writeBytes(ebmlString(0x5741, SimulatedNodes.SOFTWARE));
    info.writeBytes(ebml(0x4489, ByteBuffer.allocate(8).putDouble((double) frameMillis * frames.size()).array()));
    ByteArrayOutputStream video = new ByteArrayOutputStream();
    video.writeBytes(ebmlUint(0xB0, frames.get(0).getWidth()));
    video.writeBytes(ebmlUint(0xBA, frames.get(0).getHeight()));
    ByteArrayOutputStream track = new ByteArrayOutputStream();
    track.writeBytes(ebmlUint(0xD7, 1));
    track.writeBytes(ebmlUint(0x73C5, 1));
    track.writeBytes(ebmlUint(0x83, 1));
    track.writeBytes(ebmlString(0x86, "V_VP8"));
    track.writeBytes(ebml(0xE0, video.toByteArray()));
    ByteArrayOutputStream cluster = new ByteArrayOutputStream();
    cluster.writeBytes(ebmlUint(0xE7, 0));
    for (int i = 0; i < frames.size(); i++) {
      byte[] vp8 = vp8KeyFrame(frames.get(i), 80);
      ByteBuffer block = ByteBuffer.allocate(4 + vp8.length);
      block.put((byte) 0x81).putShort((short) (i * frameMillis)).put((byte) 0x80).put(vp8);
      cluster.writeBytes(ebml(0xA3, block.array()));
    }
    ByteArrayOutputStream segment = new ByteArrayOutputStream();
    segment.writeBytes(ebml(0x1549A966, info.toByteArray()));
    segment.writeBytes(ebml(0x1654AE6B, ebml(0xAE, track.toByteArray())));
    segment.writeBytes(ebml(0x1F43B675, cluster.toByteArray()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ebml(0x1A45DFA3, ebml.toByteArray()));
    out.writeBytes(ebml(0x18538067, segment.toByteArray()));
    return out.toByteArray();
  }

  private static byte[] ebml(int id, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int idBytes = id > 0xFFFFFF ? 4 : id > 0xFFFF ? 3 : id > 0xFF ? 2 : 1;
    for (int i = idBytes - 1; i >= 0; i--) out.write(id >>> (8 * i));
    out.write(0x01); // an 8-byte size: any length fits
    for (int i = 6; i >= 0; i--) out.write((int) ((long) data.length >>> (8 * i)));
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static byte[] ebmlUint(int id, long value) {
    return ebml(id, ByteBuffer.allocate(8).putLong(value).array());
  }

  private static byte[] ebmlString(int id, String value) {
    return ebml(id, value.getBytes(StandardCharsets.UTF_8));
  }

  // ---- MP4 (ISO BMFF, one Motion JPEG track)

  static byte[] mp4(List<BufferedImage> frames, double fps) {
    int timescale = 1000;
    int delta = (int) Math.round(timescale / fps);
    int duration = delta * frames.size();
    int width = frames.get(0).getWidth();
    int height = frames.get(0).getHeight();
    List<byte[]> samples = new ArrayList<>();
    for (BufferedImage frame : frames) samples.add(jpeg(frame));
    byte[] ftyp = box("ftyp", concat(ascii("isom"), be(4).putInt(0x200).array(), ascii("isomiso2mp41")));
    // moov's size does not depend on the chunk offset it holds: build it once to learn where mdat starts.
    int mdatData = ftyp.length + moov(samples, 0, width, height, timescale, delta, duration).length + 8;
    byte[] moov = moov(samples, mdatData, width, height, timescale, delta, duration);
    ByteArrayOutputStream mdat = new ByteArrayOutputStream();
    samples.forEach(mdat::writeBytes);
    return concat(ftyp, moov, box("mdat", mdat.toByteArray()));
  }

  private static byte[] moov(List<byte[]> samples, int chunkOffset, int width, int height, int timescale,
      int delta, int duration) {
    byte[] matrix = be(36).putInt(0x00010000).putInt(0).putInt(0).putInt(0).putInt(0x00010000).putInt(0)
        .putInt(0).putInt(0).putInt(0x40000000).array();
    byte[] mvhd = fullBox("mvhd", 0, 0, concat(be(16).putInt(0).putInt(0).putInt(timescale).putInt(duration).array(),
        be(16).putInt(0x00010000).putShort((short) 0x0100).array(), matrix, new byte[24], be(4).putInt(2).array()));
    byte[] tkhd = fullBox("tkhd", 0, 3, concat(be(20).putInt(0).putInt(0).putInt(1).putInt(0).putInt(duration).array(),
        new byte[8], be(8).array(), matrix, be(8).putInt(width << 16).putInt(height << 16).array()));
    byte[] mdhd = fullBox("mdhd", 0, 0,
        be(20).putInt(0).putInt(0).putInt(timescale).putInt(duration).putShort((short) 0x55C4).array());
    byte[] hdlr = fullBox("hdlr", 0, 0, concat(be(4).array(), ascii("vide"), new byte[12], ascii("VideoHandler\0")));
    byte[] vmhd = fullBox("vmhd", 0, 1, new byte[8]);
    byte[] dinf = box("dinf", fullBox("dref", 0, 0, concat(be(4).putInt(1).array(), fullBox("url ", 0, 1, new byte[0]))));
    byte[] compressor = new byte[32];
    byte[] name = ascii("Photo - JPEG");
    compressor[0] = (byte) name.length;
    System.arraycopy(name, 0, compressor, 1, name.length);
    byte[] jpegEntry = box("jpeg", concat(new byte[6], be(2).putShort((short) 1).array(), new byte[16],
        be(4).putShort((short) width).putShort((short) height).array(),
        be(14).putInt(0x00480000).putInt(0x00480000).putInt(0).putShort((short) 1).array(), compressor,
        be(4).putShort((short) 0x18).putShort((short) -1).array()));
    byte[] stsd = fullBox("stsd", 0, 0, concat(be(4).putInt(1).array(), jpegEntry));
    byte[] stts = fullBox("stts", 0, 0, be(12).putInt(1).putInt(samples.size()).putInt(delta).array());
    byte[] stsc = fullBox("stsc", 0, 0, be(16).putInt(1).putInt(1).putInt(samples.size()).putInt(1).array());
    ByteBuffer sizes = be(8 + 4 * samples.size()).putInt(0).putInt(samples.size());
    samples.forEach(s -> sizes.putInt(s.length));
    byte[] stsz = fullBox("stsz", 0, 0, sizes.array());
    byte[] stco = fullBox("stco", 0, 0, be(8).putInt(1).putInt(chunkOffset).array());
    byte[] stbl = box("stbl", concat(stsd, stts, stsc, stsz, stco));
    byte[] mdia = box("mdia", concat(mdhd, hdlr, box("minf", concat(vmhd, dinf, stbl))));
    return box("moov", concat(mvhd, box("trak", concat(tkhd, mdia))));
  }

  private static byte[] jpeg(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "jpeg", out)) throw new IllegalStateException("no JPEG writer");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] box(String type, byte[] data) {
    return concat(be(4).putInt(8 + data.length).array(), ascii(type), data);
  }

  private static byte[] fullBox(String type, int version, int flags, byte[] data) {
    return box(type, concat(be(4).putInt((version << 24) | flags).array(), data));
  }

  // ---- audio: silence, mono, in the container each save node names

  /** FLAC at 44.1 kHz, 16 bits: STREAMINFO and one CONSTANT (silent) subframe per 4096-sample block. */
  static byte[] flac(double seconds) {
    int blockSize = 4096;
    int rate = 44100;
    int blocks = Math.max(1, (int) Math.ceil(seconds * rate / blockSize));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii("fLaC"));
    out.writeBytes(new byte[] {(byte) 0x80, 0, 0, 34});
    long totalSamples = (long) blocks * blockSize;
    ByteBuffer info = be(34).putShort((short) blockSize).putShort((short) blockSize).put(new byte[6]);
    // 20 bits sample rate, 3 bits channels-1, 5 bits bits-per-sample-1, 36 bits total samples
    long packed = ((long) rate << 44) | (0L << 41) | (15L << 36) | totalSamples;
    info.putLong(packed).put(new byte[16]);
    out.writeBytes(info.array());
    for (int n = 0; n < blocks; n++) {
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(0xFF);
      frame.write(0xF8);
      frame.write(0xC9); // 4096 samples, 44.1 kHz
      frame.write(0x08); // mono, 16 bits
      frame.writeBytes(utf8Number(n));
      frame.write(crc8(frame.toByteArray()));
      frame.writeBytes(new byte[] {0x00, 0x00, 0x00}); // CONSTANT subframe, value 0
      int crc = crc16(frame.toByteArray());
      frame.write(crc >>> 8);
      frame.write(crc);
      out.writeBytes(frame.toByteArray());
    }
    return out.toByteArray();
  }

  /** MP3: silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono), 417 bytes each. */
  static byte[] mp3(double seconds) {
    int frames = Math.max(1, (int) Math.ceil(seconds * 44100 / 1152));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] frame = new byte[417];
    frame[0] = (byte) 0xFF;
    frame[1] = (byte) 0xFB;
    frame[2] = (byte) 0x90;
    frame[3] = (byte) 0xC0;
    for (int i = 0; i < frames; i++) out.writeBytes(frame);
    return out.toByteArray();
  }

  /** Opus in Ogg: OpusHead, OpusTags and 20 ms packets of libopus's digital silence (F8 FF FE). */
  static byte[] opus(double seconds) {
    int serial = 0x44524B31;
    int preSkip = 312;
    int packets = Math.max(1, Math.min(255, (int) Math.ceil(seconds * 50)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] head = concat(ascii("OpusHead"), new byte[] {1, 1},
        le(9).putShort((short) preSkip).putInt(48000).putShort((short) 0).put((byte) 0).array());
    out.writeBytes(oggPage(0x02, 0, serial, 0, List.of(head)));
    byte[] vendor = ascii("Darkroom simulated engine");
    byte[] tags = concat(ascii("OpusTags"), le(4).putInt(vendor.length).array(), vendor, le(4).putInt(0).array());
    out.writeBytes(oggPage(0x00, 0, serial, 1, List.of(tags)));
    List<byte[]> audio = new ArrayList<>();
    for (int i = 0; i < packets; i++) audio.add(new byte[] {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE});
    out.writeBytes(oggPage(0x04, preSkip + packets * 960L, serial, 2, audio));
    return out.toByteArray();
  }

  private static byte[] oggPage(int headerType, long granule, int serial, int sequence, List<byte[]> packets) {
    ByteArrayOutputStream lacing = new ByteArrayOutputStream();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (byte[] packet : packets) {
      int left = packet.length;
      while (left >= 255) {
        lacing.write(255);
        left -= 255;
      }
      lacing.write(left);
      data.writeBytes(packet);
    }
    ByteBuffer header = le(27).put(ascii("OggS")).put((byte) 0).put((byte) headerType).putLong(granule)
        .putInt(serial).putInt(sequence).putInt(0).put((byte) lacing.size());
    byte[] page = concat(header.array(), lacing.toByteArray(), data.toByteArray());
    int crc = oggCrc(page);
    ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putInt(22, crc);
    return page;
  }

  // ---- latents and 3D

  /**
   * ComfyUI's {@code .latent}: a safetensors file of {@code latent_tensor} (zeros, shaped as the
   * latent: batch × 4 × height/8 × width/8) and {@code latent_format_version_0}, with the prompt as
   * metadata.
   */
  static byte[] latent(int batch, int width, int height, String promptJson) {
    long[] shape = {batch, 4, Math.max(1, height / 8), Math.max(1, width / 8)};
    long bytes = 4L * shape[0] * shape[1] * shape[2] * shape[3];
    com.fasterxml.jackson.databind.node.ObjectNode header =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    com.fasterxml.jackson.databind.node.ObjectNode tensor = header.putObject("latent_tensor").put("dtype", "F32");
    com.fasterxml.jackson.databind.node.ArrayNode dims = tensor.putArray("shape");
    for (long d : shape) dims.add(d);
    tensor.putArray("data_offsets").add(0).add(bytes);
    com.fasterxml.jackson.databind.node.ObjectNode version = header.putObject("latent_format_version_0")
        .put("dtype", "F32");
    version.putArray("shape").add(0);
    version.putArray("data_offsets").add(bytes).add(bytes);
    header.putObject("__metadata__").put("prompt", promptJson).put("Software", SimulatedNodes.SOFTWARE);
    StringBuilder json = new StringBuilder(header.toString());
    while (json.length() % 8 != 0) json.append(' ');
    byte[] headerBytes = json.toString().getBytes(StandardCharsets.UTF_8);
    return concat(le(8).putLong(headerBytes.length).array(), headerBytes, new byte[(int) bytes]);
  }

  /** A binary glTF 2.0 with an empty scene (the simulation has no mesh to write). */
  static byte[] glb() {
    StringBuilder json = new StringBuilder(
        "{\"asset\":{\"version\":\"2.0\",\"generator\":\"" + SimulatedNodes.SOFTWARE + "\"},\"scenes\":[{\"nodes\":[]}],\"scene\":0}");
    while (json.length() % 4 != 0) json.append(' ');
    byte[] chunk = json.toString().getBytes(StandardCharsets.UTF_8);
    return concat(le(12).put(ascii("glTF")).putInt(2).putInt(12 + 8 + chunk.length).array(),
        le(8).putInt(chunk.length).putInt(0x4E4F534A).array(), chunk);
  }

  // ---- bytes

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer be(int size) {
    return ByteBuffer.allocate(size);
  }

  private static void put24(ByteBuffer buf, int value) {
    buf.put((byte) value).put((byte) (value >>> 8)).put((byte) (value >>> 16));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  private static byte[] utf8Number(int n) {
    return new String(Character.toChars(n)).getBytes(StandardCharsets.UTF_8);
  }

  private static int crc8(byte[] data) {
    int crc = 0;
    for (byte b : data) {
      crc ^= b & 0xFF;
      for (int i = 0; i < 8; i++) crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
    }
    return crc;
  }

  private static int crc16(byte[] data) {
    int crc = 0;
    for (byte b : data) {
      crc ^= (b & 0xFF) << 8;
      for (int i = 0; i < 8; i++) crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8005) & 0xFFFF : (crc << 1) & 0xFFFF;
    }
    return crc;
  }

  private static int oggCrc(byte[] data) {
    int crc = 0;
    for (byte b : data) {
      crc ^= (b & 0xFF) << 24;
      for (int i = 0; i < 8; i++) crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
    }
    return crc;
  }
}
