package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * HCL to JSON through npm {@code @cdktf/hcl2json} (pinned in .ci/tools, installed by
 * {@code ./darkroom test}), run with node. A file that does not parse is an error naming it.
 */
public final class Hcl {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Hcl() {}

  /** Every .tf file under {@code dir}, recursively, in path order. */
  public static List<Path> tfFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".tf"))
          .filter(p -> !p.toString().contains("/.terraform/"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {"<file>": <hcl2json output>} for the given files. */
  public static JsonNode parse(Path repoRoot, List<Path> files) {
    Path module = repoRoot.resolve(".ci/tools/node_modules/@cdktf/hcl2json");
    if (!Files.isDirectory(module)) {
      throw new IllegalStateException(module + " is missing: run ./darkroom test (it runs npm ci in .ci/tools) "
          + "or (cd .ci/tools && npm ci)");
    }
    try {
      Path script = Files.createTempFile("hcl2json", ".js");
      try (InputStream in = Hcl.class.getResourceAsStream("/hcl2json.js")) {
        Files.write(script, in.readAllBytes());
      }
      List<String> command = new ArrayList<>(List.of("node", script.toString(), module.toString()));
      files.forEach(f -> command.add(f.toString()));
      Path out = Files.createTempFile("hcl2json", ".json");
      Path err = Files.createTempFile("hcl2json", ".err");
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("hcl2json did not finish within 120 s");
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8).trim();
      JsonNode result = process.exitValue() == 0 ? JSON.readTree(out.toFile()) : null;
      Files.deleteIfExists(script);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      if (result == null) {
        throw new HclSyntaxException(stderr);
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("running node for hcl2json", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A .tf file that HashiCorp's parser refuses; the message is the parser's. */
  public static final class HclSyntaxException extends RuntimeException {
    public HclSyntaxException(String message) {
      super(message);
    }
  }
}
