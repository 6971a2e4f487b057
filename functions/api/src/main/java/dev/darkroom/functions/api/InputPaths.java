package dev.darkroom.functions.api;

import java.util.regex.Pattern;

/**
 * Which upload names and subfolders are allowed. ComfyUI refuses a path that escapes its input
 * folder; object names have no folders to escape, so Darkroom refuses anything that could mean a
 * different object than it says: empty, {@code .}/{@code ..} segments, leading or doubled
 * slashes, backslashes and control characters.
 */
final class InputPaths {
  private static final Pattern FORBIDDEN = Pattern.compile("[\\\\\\p{Cntrl}]");
  static final int MAX_NAME = 255;
  static final int MAX_SUBFOLDER = 512;

  private InputPaths() {}

  static boolean validName(String name) {
    return !name.isEmpty() && name.length() <= MAX_NAME && !name.contains("/")
        && !name.equals(".") && !name.equals("..") && !FORBIDDEN.matcher(name).find();
  }

  /** A subfolder: empty, or names joined by single slashes. */
  static boolean validSubfolder(String subfolder) {
    if (subfolder.isEmpty()) {
      return true;
    }
    if (subfolder.length() > MAX_SUBFOLDER) {
      return false;
    }
    for (String segment : subfolder.split("/", -1)) {
      if (!validName(segment)) {
        return false;
      }
    }
    return true;
  }
}
