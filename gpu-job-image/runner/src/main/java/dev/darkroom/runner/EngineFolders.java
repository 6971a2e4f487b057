package dev.darkroom.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The engine's {@code input}, {@code output} and {@code temp} folders on this task's disk
 * ({@code COMFYUI_HOME}), emptied after each job: a task that drains runs several users' jobs on one
 * ComfyUI, and a later prompt must not find an earlier user's staged uploads, outputs or previews
 * (a node that loads from {@code output}, a name guessed in {@code input}). What {@code input} held
 * when the task started (files the image ships, which prompts may name) stays. Symbolic links are
 * removed, never followed.
 */
final class EngineFolders {
  /** An engine this task does not own (the local stack's, shared by its tasks): nothing to clear here. */
  static final EngineFolders NOT_OURS = new EngineFolders(null, Set.of());

  private final Path home;
  private final Set<Path> shipped;

  private EngineFolders(Path home, Set<Path> shipped) {
    this.home = home;
    this.shipped = shipped;
  }

  /** The folders under {@code home}, with what {@code input} holds now kept from every clear. */
  static EngineFolders of(Path home) throws IOException {
    Path input = home.resolve("input");
    if (!Files.isDirectory(input)) {
      return new EngineFolders(home, Set.of());
    }
    try (Stream<Path> files = Files.walk(input)) {
      return new EngineFolders(home, files.collect(Collectors.toUnmodifiableSet()));
    }
  }

  /** @throws IOException if something could not be removed: no other job may run on this engine */
  void clear() throws IOException {
    if (home == null) {
      return;
    }
    for (String folder : List.of("input", "output", "temp")) {
      Path root = home.resolve(folder);
      if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      List<Path> deepestFirst;
      try (Stream<Path> paths = Files.walk(root)) {
        deepestFirst = paths.filter(path -> !path.equals(root) && !shipped.contains(path))
            .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
      }
      for (Path path : deepestFirst) {
        Files.deleteIfExists(path);
      }
    }
  }

  @Override
  public String toString() {
    return home == null ? "not this task's engine" : home + "/{input,output,temp}";
  }
}
