package dev.darkroom.emulators.firebase;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the pinned firebase-tools CLI is: {@code .ci/tools/node_modules/.bin/firebase} under the
 * repository root, which {@code ./darkroom test} fills with {@code npm ci}.
 */
final class FirebaseTools {
  private FirebaseTools() {}

  static final Path CLI_IN_REPO = Path.of(".ci", "tools", "node_modules", ".bin", "firebase");

  /** The CLI of the repository around the working directory; throws saying how to install it. */
  static Path cli() {
    return cli(Path.of("").toAbsolutePath());
  }

  static Path cli(Path workingDirectory) {
    Path root = repoRoot(workingDirectory);
    Path cli = root.resolve(CLI_IN_REPO);
    if (!Files.isExecutable(cli)) {
      throw new IllegalStateException("firebase-tools is not installed: " + cli + " does not exist. Run ./darkroom test"
          + " (it runs npm ci in .ci/tools), or: cd " + root.resolve(".ci/tools") + " && npm ci");
    }
    return cli;
  }

  /** The nearest ancestor with the {@code darkroom} script and {@code pom.xml}, as terraform/checks finds it. */
  static Path repoRoot(Path from) {
    for (Path p = from; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("darkroom")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (a directory with ./darkroom and pom.xml) above " + from
        + ": cannot find firebase-tools in .ci/tools");
  }
}
