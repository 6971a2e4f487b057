package dev.darkroom.runner;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the task's ComfyUI finds a model file a prompt names: under one of the roots (each
 * {@code base_path} of its {@code extra_model_paths.yaml}, in the image the models bucket's Cloud
 * Storage FUSE mount {@code /mnt/models}, then ComfyUI's own {@code models/}), in any folder of
 * kind ({@code checkpoints/}, {@code loras/}, ...). Looked up after a prompt, for the load-time log line only: one directory listing
 * per root and a stat per folder, off the prompt's path.
 */
final class ModelSources {
  /** A model found: its path and size, so a load time reads as a throughput. */
  record Source(Path path, long bytes) {}

  /** Finds nothing: an engine that is not the task's own (the local stack). */
  static final ModelSources NONE = new ModelSources(List.of());

  private final List<Path> roots;

  ModelSources(List<Path> roots) {
    this.roots = List.copyOf(roots);
  }

  private static final Pattern BASE_PATH = Pattern.compile("^\\s*base_path:\\s*[\"']?([^\"'#]+?)[\"']?\\s*(#.*)?$");

  /** The roots ComfyUI at {@code comfyHome} searches: its extra model paths' bases, then its models/. */
  static ModelSources of(Path comfyHome) {
    List<Path> roots = new ArrayList<>();
    Path extra = comfyHome.resolve("extra_model_paths.yaml");
    try {
      for (String line : Files.readAllLines(extra)) {
        Matcher base = BASE_PATH.matcher(line);
        if (base.matches()) {
          roots.add(comfyHome.resolve(base.group(1)));
        }
      }
    } catch (IOException | InvalidPathException e) {
      // No extra model paths: ComfyUI looks in its own models/ only.
    }
    roots.add(comfyHome.resolve("models"));
    return new ModelSources(roots);
  }

  Optional<Source> find(String file) {
    for (Path root : roots) {
      try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, Files::isDirectory)) {
        for (Path folder : folders) {
          Path candidate = folder.resolve(file).normalize();
          if (candidate.startsWith(folder) && Files.isRegularFile(candidate)) {
            return Optional.of(new Source(candidate, Files.size(candidate)));
          }
        }
      } catch (IOException | InvalidPathException e) {
        // A root that cannot be read (not mounted) holds nothing we can name.
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return roots.toString();
  }
}
