package dev.darkroom.core.comfy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body, as ComfyUI's upload routes receive it, parsed from its bytes:
 * one parser for Darkroom's API and the simulated engine. The Functions Framework's
 * {@code HttpRequest.getParts()} cannot be used: invoker 2.0.0 throws {@code IllegalStateException}
 * unless something parsed the form first, and nothing does. Callers bound the body; the part count
 * is bounded here.
 */
public final class MultipartForm {
  public static final int MAX_PARTS = 16;
  /** RFC 2046's bound; it also bounds the cost of searching a 20 MiB body for the delimiter. */
  public static final int MAX_BOUNDARY = 70;
  private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME = Pattern.compile("(?:^|;)\\s*name=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
  private static final Pattern FILENAME = Pattern.compile(";\\s*filename=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);

  /** One field; {@code filename} is null for a plain field. */
  public record Part(String name, String filename, String contentType, byte[] content) {
    public String text() {
      return new String(content, StandardCharsets.UTF_8);
    }
  }

  /** The body is not a well-formed form; each caller answers in its own way (400, or leniency). */
  public static final class MalformedException extends IllegalArgumentException {
    public MalformedException(String message) {
      super(message);
    }
  }

  private MultipartForm() {}

  /** A plain field. */
  public static Part field(String name, String value) {
    return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A form to send: its {@code Content-Type} header (with the boundary) and its body. */
  public record Encoded(String contentType, byte[] body) {}

  /**
   * Encodes {@code parts} as {@code multipart/form-data}, as a browser or ComfyUI's frontend sends
   * an upload: for clients of upload routes (the runner staging inputs, tests).
   */
  public static Encoded encode(java.util.List<Part> parts) {
    String boundary = "darkroom-" + java.util.UUID.randomUUID();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    for (Part part : parts) {
      StringBuilder head = new StringBuilder("--").append(boundary)
          .append("\r\nContent-Disposition: form-data; name=\"").append(part.name()).append('"');
      if (part.filename() != null) {
        head.append("; filename=\"").append(part.filename().replace("\"", "%22")).append('"');
      }
      if (part.contentType() != null) {
        head.append("\r\nContent-Type: ").append(part.contentType());
      }
      body.writeBytes(head.append("\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8));
      body.writeBytes(part.content());
      body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return new Encoded("multipart/form-data; boundary=" + boundary, body.toByteArray());
  }

  /** The fields by name (the first of a repeated name wins, as aiohttp's {@code post.get}). */
  public static Map<String, Part> parse(String contentType, byte[] body) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new MalformedException("expected a multipart/form-data body");
    }
    Matcher m = BOUNDARY.matcher(contentType);
    if (!m.find()) {
      throw new MalformedException("multipart/form-data without a boundary");
    }
    String boundary = m.group(1) != null ? m.group(1) : m.group(2);
    if (boundary.length() > MAX_BOUNDARY) {
      throw new MalformedException("a multipart boundary of more than " + MAX_BOUNDARY + " characters");
    }
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    Map<String, Part> parts = new LinkedHashMap<>();
    int at = indexOf(body, delimiter, 0);
    if (at < 0) {
      throw new MalformedException("multipart body without its boundary");
    }
    while (true) {
      int after = at + delimiter.length;
      if (after + 1 < body.length && body[after] == '-' && body[after + 1] == '-') {
        return parts;
      }
      int headersStart = skipCrlf(body, after);
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      int next = headersEnd < 0 ? -1 : indexOf(body, crlf(delimiter), headersEnd + 4);
      if (next < 0) {
        throw new MalformedException("truncated multipart body");
      }
      if (parts.size() >= MAX_PARTS) {
        throw new MalformedException("more than " + MAX_PARTS + " form fields");
      }
      Part part = part(new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8),
          Arrays.copyOfRange(body, headersEnd + 4, next));
      parts.putIfAbsent(part.name(), part);
      at = next + 2;
    }
  }

  private static Part part(String headers, byte[] content) {
    String disposition = null;
    String type = null;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (header.equals("content-disposition")) disposition = value;
      if (header.equals("content-type")) type = value;
    }
    Matcher name = disposition == null ? null : NAME.matcher(disposition);
    if (name == null || !name.find()) {
      throw new MalformedException("a form field without a name");
    }
    Matcher filename = FILENAME.matcher(disposition);
    return new Part(name.group(1), filename.find() ? filename.group(1) : null, type, content);
  }

  private static byte[] crlf(byte[] delimiter) {
    byte[] out = new byte[delimiter.length + 2];
    out[0] = '\r';
    out[1] = '\n';
    System.arraycopy(delimiter, 0, out, 2, delimiter.length);
    return out;
  }

  private static int skipCrlf(byte[] body, int at) {
    return at + 1 < body.length && body[at] == '\r' && body[at + 1] == '\n' ? at + 2 : at;
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
