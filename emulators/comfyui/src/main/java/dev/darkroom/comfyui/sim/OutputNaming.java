package dev.darkroom.comfyui.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * ComfyUI's {@code folder_paths.get_save_image_path}: expands the server-side {@code %…%}
 * variables, takes the prefix's directory as the subfolder, refuses to leave the output folder,
 * and numbers files from 1 + the highest existing counter for that prefix.
 */
final class OutputNaming {

  /** Where the next images of one save go. */
  record SaveTarget(Path folder, String filename, int counter, String subfolder) {

    /** The file name of the {@code batchNumber}-th image, which takes counter + batchNumber. */
    String fileName(int batchNumber, String extension) {
      String base = filename.replace("%batch_num%", Integer.toString(batchNumber));
      return String.format(Locale.ROOT, "%s_%05d_.%s", base, counter + batchNumber, extension);
    }
  }

  /** Raised as ComfyUI raises it when a prefix points outside the output folder. */
  static final class OutsideOutputFolder extends RuntimeException {
    OutsideOutputFolder(String message) {
      super(message);
    }
  }

  private OutputNaming() {}

  static String expand(String prefix, int width, int height, LocalDateTime now) {
    if (!prefix.contains("%")) return prefix;
    return prefix
        .replace("%width%", Integer.toString(width))
        .replace("%height%", Integer.toString(height))
        .replace("%year%", Integer.toString(now.getYear()))
        .replace("%month%", two(now.getMonthValue()))
        .replace("%day%", two(now.getDayOfMonth()))
        .replace("%hour%", two(now.getHour()))
        .replace("%minute%", two(now.getMinute()))
        .replace("%second%", two(now.getSecond()));
  }

  static SaveTarget target(String prefix, Path outputDir, int width, int height, LocalDateTime now) {
    String expanded = expand(prefix, width, height, now);
    Path base = outputDir.toAbsolutePath().normalize();
    Path normal = Path.of(expanded).normalize();
    String filename = normal.getFileName() == null ? "" : normal.getFileName().toString();
    Path parent = normal.getParent();
    String subfolder = parent == null ? "" : parent.toString();
    Path folder = base.resolve(subfolder).normalize();
    if (!folder.startsWith(base)) {
      throw new OutsideOutputFolder(
          "**** ERROR: Saving image outside the output folder is not allowed."
              + "\n full_output_folder: " + folder
              + "\n         output_dir: " + base);
    }
    try {
      Files.createDirectories(folder);
      return new SaveTarget(folder, filename, nextCounter(folder, filename), subfolder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** 1 + the highest {@code NNNNN} among files named {@code <filename>_NNNNN_…}, else 1. */
  static int nextCounter(Path folder, String filename) throws IOException {
    int max = 0;
    boolean any = false;
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.length() <= filename.length()) continue;
        String prefix = name.substring(0, filename.length() + 1);
        if (!prefix.equalsIgnoreCase(filename + "_")) continue;
        String rest = name.substring(filename.length() + 1);
        int digits;
        try {
          digits = Integer.parseInt(rest.split("_", -1)[0]);
        } catch (NumberFormatException e) {
          digits = 0;
        }
        max = any ? Math.max(max, digits) : digits;
        any = true;
      }
    }
    return any ? max + 1 : 1;
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }
}
