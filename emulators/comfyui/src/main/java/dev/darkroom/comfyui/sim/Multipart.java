package dev.darkroom.comfyui.sim;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small multipart/form-data reader: enough for ComfyUI's upload forms. */
final class Multipart {

  record Part(String name, String filename, byte[] content) {
    String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME = Pattern.compile("[; ]name=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
  private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

  private Multipart() {}

  /** Parts by field name, or an empty map when the body is not multipart. */
  static Map<String, Part> parse(String contentType, byte[] body) {
    Map<String, Part> parts = new LinkedHashMap<>();
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) return parts;
    Matcher m = BOUNDARY.matcher(contentType);
    if (!m.find()) return parts;
    byte[] delimiter = ("--" + m.group(1)).getBytes(StandardCharsets.ISO_8859_1);
    int pos = indexOf(body, delimiter, 0);
    while (pos >= 0) {
      int start = pos + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') break;
      start += 2; // CRLF after the delimiter
      int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
      if (headerEnd < 0) break;
      String headers = new String(body, start, headerEnd - start, StandardCharsets.UTF_8);
      int next = indexOf(body, delimiter, headerEnd + 4);
      if (next < 0) break;
      int contentEnd = next - 2; // CRLF before the delimiter
      byte[] content = java.util.Arrays.copyOfRange(body, headerEnd + 4, Math.max(headerEnd + 4, contentEnd));
      Matcher name = NAME.matcher(headers);
      if (name.find()) {
        Matcher filename = FILENAME.matcher(headers);
        parts.putIfAbsent(name.group(1), new Part(name.group(1), filename.find() ? filename.group(1) : null, content));
      }
      pos = next;
    }
    return parts;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) continue outer;
      }
      return i;
    }
    return -1;
  }
}
