package dev.darkroom.emulators.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sends object bytes, whole or one {@code Range}, with the headers GCS puts on media. */
final class Downloads {
  private Downloads() {}

  private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /** An inclusive byte range already clipped to the object. */
  record ByteRange(long first, long last) {
    long length() {
      return last - first + 1;
    }
  }

  /**
   * Parses a single-range {@code Range} header. Null means "send everything" (no header, or a
   * form we do not serve, which RFC 9110 lets a server ignore); unsatisfiable ranges throw 416.
   */
  static ByteRange range(String header, long size) {
    if (header == null) {
      return null;
    }
    Matcher m = SINGLE_RANGE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return null;
    }
    try {
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        if (suffix == 0 || size == 0) {
          throw unsatisfiable(header, size);
        }
        return new ByteRange(Math.max(0, size - suffix), size - 1);
      }
      long first = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
      if (first >= size || last < first) {
        throw unsatisfiable(header, size);
      }
      return new ByteRange(first, last);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static GcsException unsatisfiable(String header, long size) {
    return new GcsException(416, "requestedRangeNotSatisfiable",
        "The requested range '" + header + "' cannot be satisfied for an object of " + size + " bytes.");
  }

  static void send(HttpExchange exchange, ObjectStore.OpenObject open, boolean xmlApi) throws IOException {
    StoredObject o = open.object();
    ByteRange range = range(exchange.header("Range"), o.size());
    exchange.header("Accept-Ranges", "bytes");
    exchange.header("ETag", "\"" + (xmlApi ? o.md5Hash() : Resources.etag(o)) + "\"");
    exchange.header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(
        Instant.parse(o.updated()).atOffset(ZoneOffset.UTC)));
    exchange.header("x-goog-generation", Long.toString(o.generation()));
    exchange.header("x-goog-metageneration", Long.toString(o.metageneration()));
    exchange.header("x-goog-stored-content-length", Long.toString(o.size()));
    exchange.header("x-goog-stored-content-encoding", o.contentEncoding() == null ? "identity" : o.contentEncoding());
    exchange.header("x-goog-storage-class", "STANDARD");
    // GCS always reports the hashes of the whole object, also on a ranged read.
    exchange.addHeader("x-goog-hash", "crc32c=" + o.crc32c());
    exchange.addHeader("x-goog-hash", "md5=" + o.md5Hash());
    if (o.contentEncoding() != null) {
      exchange.header("Content-Encoding", o.contentEncoding());
    }
    if (o.contentDisposition() != null) {
      exchange.header("Content-Disposition", o.contentDisposition());
    }
    if (o.contentLanguage() != null) {
      exchange.header("Content-Language", o.contentLanguage());
    }
    if (o.cacheControl() != null) {
      exchange.header("Cache-Control", o.cacheControl());
    }
    if (xmlApi) {
      o.metadata().forEach((k, v) -> exchange.header("x-goog-meta-" + k, v));
    }
    long first = range == null ? 0 : range.first();
    long length = range == null ? o.size() : range.length();
    int status = 200;
    if (range != null) {
      status = 206;
      exchange.header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + o.size());
    }
    if ("HEAD".equals(exchange.method())) {
      exchange.headersOnly(status, o.contentType(), length);
      return;
    }
    try (OutputStream out = exchange.stream(status, o.contentType(), length)) {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      long position = first;
      long end = first + length;
      while (position < end) {
        buffer.clear();
        buffer.limit((int) Math.min(buffer.capacity(), end - position));
        int n = open.channel().read(buffer, position);
        if (n < 0) {
          throw new IOException("data file of " + o.bucket() + "/" + o.name() + " is shorter than its sidecar says");
        }
        out.write(buffer.array(), 0, n);
        position += n;
      }
    }
  }
}
