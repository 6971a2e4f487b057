package dev.darkroom.comfyui.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * ComfyUI's annotated file names ({@code "sub/a.png"}, {@code "a.png [output]"}, {@code " [temp]"}):
 * which folder they name, and what LoadImage lists and checks.
 */
final class InputFiles {

  private InputFiles() {}

  /** The directory an annotation names and the name without it. */
  record Annotated(String name, String type) {}

  static Annotated parse(String name) {
    for (String type : List.of("output", "input", "temp")) {
      String suffix = " [" + type + "]";
      if (name.endsWith(suffix)) return new Annotated(name.substring(0, name.length() - suffix.length()), type);
    }
    return new Annotated(name, null);
  }

  static Path resolve(NodeContext ctx, String annotated) {
    return resolve(ctx.inputDir(), ctx.outputDir(), ctx.tempDir(), annotated);
  }

  static Path resolve(Path input, Path output, Path temp, String annotated) {
    Annotated a = parse(annotated);
    Path base = "output".equals(a.type()) ? output : "temp".equals(a.type()) ? temp : input;
    return base.resolve(a.name()).normalize();
  }

  static boolean exists(Path input, Path output, Path temp, String annotated) {
    Annotated a = parse(annotated);
    Path base = ("output".equals(a.type()) ? output : "temp".equals(a.type()) ? temp : input).toAbsolutePath().normalize();
    Path file = base.resolve(a.name()).toAbsolutePath().normalize();
    return file.startsWith(base) && Files.isRegularFile(file);
  }

  /** LoadImage's choices: the files directly in the input folder, sorted. */
  static List<String> list(Path input) {
    if (!Files.isDirectory(input)) return List.of();
    try (Stream<Path> files = Files.list(input)) {
      return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
