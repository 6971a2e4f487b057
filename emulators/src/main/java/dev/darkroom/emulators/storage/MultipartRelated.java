package dev.darkroom.emulators.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code multipart/related} body of {@code uploadType=multipart}: a JSON part with the
 * object resource, then the media part, which is streamed out rather than buffered.
 */
final class MultipartRelated {
  private static final Pattern BOUNDARY =
      Pattern.compile("(?i)boundary=(?:\"([^\"]+)\"|([^;\\s]+))");
  private static final int MAX_METADATA_BYTES = 1 << 20;

  private final InputStream in;
  private final byte[] delimiter;

  /** The headers of one part, with lower-case names. */
  record PartHeaders(Map<String, String> headers) {
    String contentType() {
      return headers.get("content-type");
    }
  }

  MultipartRelated(InputStream in, String contentTypeHeader) {
    Matcher m = BOUNDARY.matcher(contentTypeHeader == null ? "" : contentTypeHeader);
    if (contentTypeHeader == null
        || !contentTypeHeader.toLowerCase(Locale.ROOT).startsWith("multipart/related") || !m.find()) {
      throw GcsException.badRequest("uploadType=multipart needs Content-Type multipart/related with"
          + " a boundary, got '" + contentTypeHeader + "'");
    }
    String boundary = m.group(1) != null ? m.group(1) : m.group(2);
    this.in = in.markSupported() ? in : new java.io.BufferedInputStream(in, 64 * 1024);
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Skips any preamble (RFC 2046) to the first part and reads its headers. */
  PartHeaders firstPart() throws IOException {
    String opening = new String(delimiter, 2, delimiter.length - 2, StandardCharsets.ISO_8859_1);
    for (int lines = 0; lines < 100; lines++) {
      String line = readLine();
      if (line.equals(opening)) {
        return readHeaders();
      }
    }
    throw GcsException.badRequest("multipart body does not start with its boundary");
  }

  /** Reads the current part fully into memory; for the small JSON metadata part only. */
  byte[] readSmallPart() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    copyPart(new LimitedOutputStream(out, MAX_METADATA_BYTES));
    return out.toByteArray();
  }

  /** Streams the current part's bytes to {@code out}. */
  void copyPart(OutputStream out) throws IOException {
    int matched = 0;
    int b;
    while ((b = in.read()) != -1) {
      if (b == (delimiter[matched] & 0xff)) {
        if (++matched == delimiter.length) {
          return;
        }
      } else {
        // The delimiter starts with CR and holds no other CR, so a failed partial match can
        // only restart at the current byte.
        out.write(delimiter, 0, matched);
        if (b == (delimiter[0] & 0xff)) {
          matched = 1;
        } else {
          matched = 0;
          out.write(b);
        }
      }
    }
    throw GcsException.badRequest("multipart body ended before its closing boundary");
  }

  /** After a part: the headers of the next part, or null after the closing delimiter. */
  PartHeaders nextPart() throws IOException {
    return afterDelimiter();
  }

  private PartHeaders afterDelimiter() throws IOException {
    String rest = readLine();
    if (rest.startsWith("--")) {
      return null;
    }
    return readHeaders();
  }

  private PartHeaders readHeaders() throws IOException {
    Map<String, String> headers = new TreeMap<>();
    String line;
    while (!(line = readLine()).isEmpty()) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
    }
    return new PartHeaders(headers);
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      if (line.length() > 8192) {
        throw GcsException.badRequest("multipart part header line too long");
      }
      line.append((char) b);
    }
    if (line.toString().startsWith("--")) {
      return line.toString();
    }
    throw GcsException.badRequest("multipart body ended inside part headers");
  }

  private static final class LimitedOutputStream extends OutputStream {
    private final OutputStream out;
    private long left;

    LimitedOutputStream(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (--left < 0) {
        throw GcsException.badRequest("the metadata part of a multipart upload is limited to 1 MiB");
      }
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      left -= len;
      if (left < 0) {
        throw GcsException.badRequest("the metadata part of a multipart upload is limited to 1 MiB");
      }
      out.write(b, off, len);
    }
  }
}
