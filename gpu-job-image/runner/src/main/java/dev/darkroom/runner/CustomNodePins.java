package dev.darkroom.runner;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code gpu-job-image/custom-nodes.lock}: the custom node packs baked into the GPU image, each at
 * one commit of one repository, a line {@code <folder> <https URL> <40-hex commit>}. Read at build
 * time by {@link ImageCatalogMain} (every pack must contribute nodes) and by the tests that keep the
 * file well formed; {@code install-custom-nodes.sh} reads the same lines.
 */
record CustomNodePins(List<Pack> packs) {

  /** One pack: where ComfyUI finds it ({@code custom_nodes/<folder>}) and the commit installed. */
  record Pack(String folder, String repository, String commit) {
    /** What ComfyUI's {@code /object_info} says a node of this pack comes from. */
    String pythonModule() {
      return "custom_nodes." + folder;
    }
  }

  /** A line that is not a valid pin, with its 1-based line number. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message);
    }
  }

  private static final Pattern FOLDER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  CustomNodePins {
    packs = List.copyOf(packs);
  }

  static CustomNodePins read(Path file) throws IOException, MalformedException {
    return parse(Files.readString(file));
  }

  /** Every problem of the text at once (one per line and rule), so one edit fixes them all. */
  static CustomNodePins parse(String text) throws MalformedException {
    List<Pack> packs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<String> folders = new HashSet<>();
    Set<String> repositories = new HashSet<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String at = "line " + (i + 1) + ": ";
      String[] fields = line.split("\\s+");
      if (fields.length != 3) {
        problems.add(at + "expected '<folder> <https URL> <40-hex commit>', found " + fields.length + " field(s)");
        continue;
      }
      Pack pack = new Pack(fields[0], fields[1], fields[2]);
      if (!FOLDER.matcher(pack.folder()).matches()) {
        problems.add(at + "folder '" + pack.folder() + "' must be letters, digits, '.', '_' or '-', not starting with '.' or '-'");
      }
      repositoryProblem(pack.repository()).ifPresent(p -> problems.add(at + p));
      if (!COMMIT.matcher(pack.commit()).matches()) {
        problems.add(at + "commit '" + pack.commit() + "' is not a full 40-hex commit SHA (lower case)");
      }
      if (!folders.add(pack.folder())) {
        problems.add(at + "folder '" + pack.folder() + "' is pinned twice");
      }
      if (!repositories.add(normalised(pack.repository()))) {
        problems.add(at + "repository " + pack.repository() + " is pinned twice");
      }
      packs.add(pack);
    }
    if (!problems.isEmpty()) {
      throw new MalformedException(String.join("\n", problems));
    }
    return new CustomNodePins(packs);
  }

  private static Optional<String> repositoryProblem(String repository) {
    URI uri;
    try {
      uri = new URI(repository);
    } catch (URISyntaxException e) {
      return Optional.of("repository '" + repository + "' is not a URL");
    }
    if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
      return Optional.of("repository '" + repository + "' must be an https URL with a host");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return Optional.of("repository '" + repository + "' must not carry credentials, a query or a fragment");
    }
    if (uri.getPath() == null || uri.getPath().length() < 2) {
      return Optional.of("repository '" + repository + "' names no repository");
    }
    return Optional.empty();
  }

  /** The same repository written with or without {@code .git} or a trailing slash, any case. */
  private static String normalised(String repository) {
    String r = repository.toLowerCase(Locale.ROOT);
    r = r.endsWith("/") ? r.substring(0, r.length() - 1) : r;
    return r.endsWith(".git") ? r.substring(0, r.length() - 4) : r;
  }
}
