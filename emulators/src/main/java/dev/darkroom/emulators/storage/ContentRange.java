package dev.darkroom.emulators.storage;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Content-Range} of a resumable-upload PUT: {@code bytes 0-262143/*} (a chunk, size
 * unknown), {@code bytes 262144-300000/300001} (the last chunk), {@code bytes *}{@code /300001}
 * (finalise or ask the status) or {@code bytes *}{@code /*} (ask the status).
 */
record ContentRange(Long first, Long last, Long total) {
  private static final Pattern FORM = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");

  static ContentRange parse(String header) {
    Matcher m = FORM.matcher(header == null ? "" : header.trim());
    if (!m.matches()) {
      throw GcsException.badRequest("Invalid Content-Range '" + header
          + "': expected 'bytes FIRST-LAST/TOTAL', 'bytes FIRST-LAST/*', 'bytes */TOTAL' or 'bytes */*'");
    }
    try {
      Long first = m.group(1) == null ? null : Long.parseLong(m.group(1));
      Long last = m.group(2) == null ? null : Long.parseLong(m.group(2));
      Long total = "*".equals(m.group(3)) ? null : Long.parseLong(m.group(3));
      if (first != null && last < first) {
        throw GcsException.badRequest("Invalid Content-Range '" + header + "': last byte before first");
      }
      if (total != null && last != null && last >= total) {
        throw GcsException.badRequest("Invalid Content-Range '" + header + "': range beyond total size");
      }
      return new ContentRange(first, last, total);
    } catch (NumberFormatException e) {
      throw GcsException.badRequest("Invalid Content-Range '" + header + "': number too large");
    }
  }

  boolean hasBytes() {
    return first != null;
  }

  long length() {
    return last - first + 1;
  }
}
