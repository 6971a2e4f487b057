package dev.darkroom.core.comfy;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which upload names and subfolders are allowed. ComfyUI refuses a path that escapes its input
 * folder; object names have no folders to escape, so Darkroom refuses anything that could mean a
 * different object than it says: empty, {@code .}/{@code ..} segments, leading or doubled
 * slashes, backslashes and control characters. The API stores uploads under these names and the
 * runner stages them into the engine's input folder from there.
 */
public final class InputPaths {
  private static final Pattern FORBIDDEN = Pattern.compile("[\\\\\\p{Cntrl}]");
  public static final int MAX_NAME = 255;
  public static final int MAX_SUBFOLDER = 512;

  private InputPaths() {}

  public static boolean validName(String name) {
    return !name.isEmpty() && name.length() <= MAX_NAME && !name.contains("/")
        && !name.equals(".") && !name.equals("..") && !FORBIDDEN.matcher(name).find();
  }

  /** A subfolder: empty, or names joined by single slashes. */
  public static boolean validSubfolder(String subfolder) {
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
