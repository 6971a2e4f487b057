package dev.darkroom.terraform.checks;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root: the nearest ancestor of the working directory with the darkroom script. */
public final class Repo {
  private Repo() {}

  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("darkroom")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (a directory with ./darkroom and pom.xml) above " + dir);
  }
}
