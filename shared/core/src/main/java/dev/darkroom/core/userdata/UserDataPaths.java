package dev.darkroom.core.userdata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * ComfyUI's {@code UserManager.get_request_user_filepath} (app/user_manager.py) for one user's root:
 * a name with a {@code %} is percent-decoded once more, then joined to the root and normalised;
 * a path that leaves the root (an absolute one, or {@code ..} past it) is refused. What remains is
 * the path relative to the root, {@code ""} for the root itself.
 */
public final class UserDataPaths {
  /** A path this deep or deeper is refused: Cloud Storage names are at most 1,024 bytes anyway. */
  public static final int MAX_DEPTH = 32;
  /** Bytes of one segment: Linux's {@code NAME_MAX}, where ComfyUI's write fails (400). */
  public static final int MAX_SEGMENT_BYTES = 255;
  /** Bytes of a whole path: under Cloud Storage's 1,024 with the user's prefix in front. */
  public static final int MAX_PATH_BYTES = 768;

  private UserDataPaths() {}

  /**
   * The path relative to the user's root, or empty when it leaves the root (ComfyUI's {@code None}:
   * 403 on most routes).
   */
  public static Optional<String> resolve(String requested) {
    String name = requested;
    if (name.contains("%")) {
      name = decode(name);
    }
    if (name.startsWith("/")) {
      return Optional.empty();
    }
    Deque<String> kept = new ArrayDeque<>();
    for (String segment : name.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (kept.isEmpty()) {
          return Optional.empty();
        }
        kept.removeLast();
      } else {
        kept.addLast(segment);
      }
    }
    return Optional.of(String.join("/", kept));
  }

  /**
   * Why a resolved path cannot name a file of ours, or empty if it can: a name the file system would
   * refuse (ComfyUI answers its {@code OSError} with 400), too deep, or too long for an object name.
   */
  public static Optional<String> unfitForAFile(String path) {
    if (path.isEmpty()) {
      return Optional.of("the path names the user's directory, not a file");
    }
    if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      return Optional.of("the path is longer than " + MAX_PATH_BYTES + " bytes");
    }
    String[] segments = path.split("/");
    if (segments.length >= MAX_DEPTH) {
      return Optional.of("the path is " + MAX_DEPTH + " or more directories deep");
    }
    for (String segment : segments) {
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
        return Optional.of("a name in the path is longer than " + MAX_SEGMENT_BYTES + " bytes");
      }
      if (segment.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        return Optional.of("the path contains a control character");
      }
    }
    return Optional.empty();
  }

  /** Python's {@code urllib.parse.unquote}: invalid escapes stay as they are, bytes decode as UTF-8. */
  static String decode(String text) {
    StringBuilder out = new StringBuilder();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '%' && hex(text, i + 1)) {
        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 3;
        continue;
      }
      if (bytes.size() > 0) {
        out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
        bytes.reset();
      }
      out.append(c);
      i++;
    }
    if (bytes.size() > 0) {
      out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  private static boolean hex(String text, int at) {
    return at + 1 < text.length() && Character.digit(text.charAt(at), 16) >= 0
        && Character.digit(text.charAt(at + 1), 16) >= 0;
  }

  /** A path segment percent-decoded (a {@code +} stays a plus): what aiohttp gives a route's {@code {name}}. */
  public static String decodeSegment(String segment) {
    return decode(segment);
  }
}
