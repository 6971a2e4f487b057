package dev.darkroom.core.comfy;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which upload names and subfolders are allowed. ComfyUI refuses a path that escapes its input
 * folder; object names have no folders to escape, so Darkroom refuses anything that could mean a
 * different object than it says: empty, {@code .}/{@code ..} segments, leading or doubled
 * slashes, backslashes, control characters, lone surrogates (no UTF-8 form), line separators and
 * the invisible characters that make a name read differently than it is (bidirectional overrides,
 * the byte order mark). The API stores uploads under these names and the runner stages them into
 * the engine's input folder from there, so lengths are in UTF-8 bytes, as file systems count:
 * a name fits Linux's 255, and a whole object name Cloud Storage's 1024.
 */
public final class InputPaths {
  private static final Pattern FORBIDDEN =
      Pattern.compile("[\\\\\\p{Cc}\\p{Cs}\\p{Zl}\\p{Zp}\\u202A-\\u202E\\u2066-\\u2069\\uFEFF]");
  /** UTF-8 bytes of a file name. */
  public static final int MAX_NAME = 255;
  /** UTF-8 bytes of a subfolder, slashes included. */
  public static final int MAX_SUBFOLDER = 512;

  private InputPaths() {}

  public static boolean validName(String name) {
    return !name.isEmpty() && utf8Length(name) <= MAX_NAME && !name.contains("/")
        && !name.equals(".") && !name.equals("..") && !FORBIDDEN.matcher(name).find();
  }

  /** UTF-8 bytes of {@code s}; a lone surrogate counts as one byte (and is refused anyway). */
  static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** A subfolder: empty, or names joined by single slashes. */
  public static boolean validSubfolder(String subfolder) {
    if (subfolder.isEmpty()) {
      return true;
    }
    if (utf8Length(subfolder) > MAX_SUBFOLDER) {
      return false;
    }
    for (String segment : subfolder.split("/", -1)) {
      if (!validName(segment)) {
        return false;
      }
    }
    return true;
  }

  /** A file in a user's uploads: {@code subfolder} is empty or slash-joined names. */
  public record InputFile(String subfolder, String name) {
    /** The object holding it: {@code inputs/{user}/{subfolder/}{name}}. */
    public String objectName(String user) {
      return InputPaths.objectName(user, subfolder, name);
    }
  }

  public static String objectName(String user, String subfolder, String name) {
    return "inputs/" + user + "/" + (subfolder.isEmpty() ? "" : subfolder + "/") + name;
  }

  /**
   * The upload a prompt value names, in ComfyUI's annotated form ({@code "sub/a.png"},
   * {@code "a.png [input]"}); empty for {@code [output]} and {@code [temp]} (engine folders that
   * users cannot write) and for anything that is not a valid upload path.
   */
  public static Optional<InputFile> parseAnnotated(String value) {
    String name = value;
    if (name.endsWith(" [input]")) {
      name = name.substring(0, name.length() - " [input]".length());
    } else if (name.endsWith(" [output]") || name.endsWith(" [temp]")) {
      return Optional.empty();
    }
    int slash = name.lastIndexOf('/');
    String subfolder = slash < 0 ? "" : name.substring(0, slash);
    String file = name.substring(slash + 1);
    if (!validSubfolder(subfolder) || !validName(file)) {
      return Optional.empty();
    }
    return Optional.of(new InputFile(subfolder, file));
  }
}
