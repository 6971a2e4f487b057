package dev.darkroom.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code darkroom run WORKFLOW.json [--set NODE.INPUT=VALUE ...] [--out DIR] [--url URL] [--api-key KEY]}. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs a ComfyUI workflow (API format) on Darkroom, shows its progress and downloads its outputs.",
        "Exit codes: 0 succeeded, 1 the job failed (its error is printed), 2 bad input (options, file, --set,"
            + " a workflow Darkroom refuses, a refused credential), 3 Darkroom unreachable or unavailable,"
            + " 130 interrupted (the job is cancelled first)."})
final class RunCommand implements Callable<Integer> {
  static final String DEFAULT_URL = "http://127.0.0.1:8188";

  @Parameters(index = "0", paramLabel = "WORKFLOW.json",
      description = "A workflow in ComfyUI's API format (Workflow > Export (API)), or a {\"prompt\": {...}} body.")
  Path workflowFile;

  @Option(names = "--set", paramLabel = "NODE.INPUT=VALUE",
      description = {"Sets a node's input before submitting; repeatable. NODE is the node's id or its title;"
          + " VALUE is read as the input's current type (number, true/false, text).",
          "A seed (seed, noise_seed) also takes 'random'. Example: --set 3.seed=random --set \"KSampler.steps=30\""})
  List<String> assignments = new ArrayList<>();

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "outputs",
      description = "Where outputs are saved, as DIR/<job id>/<file> (default: ${DEFAULT-VALUE}).")
  Path outputDir;

  @Option(names = "--url", paramLabel = "URL",
      description = "Darkroom's address (default: $DARKROOM_URL, else " + DEFAULT_URL + ", the local ./darkroom up).")
  String url;

  @Option(names = "--api-key", paramLabel = "KEY",
      description = "An API key (drk_…) or a Firebase ID token (default: $DARKROOM_API_KEY; none for the local stack)."
          + " Never printed.")
  String apiKey;

  @Option(names = "--plain", description = "Plain progress lines even on a terminal (they are the default elsewhere).")
  boolean plain;

  private final Terminal terminal;

  RunCommand(Terminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public Integer call() {
    Workflow workflow = Workflow.parse(read(workflowFile), workflowFile.toString());
    assignments.stream().map(InputAssignment::parse).forEach(workflow::set);
    DarkroomApi api = new DarkroomApi(address(), firstOf(apiKey, terminal.environment().get("DARKROOM_API_KEY")),
        terminal.http(), terminal.retries());
    try (ProgressDisplay display = ProgressDisplay.on(terminal.out(), terminal.interactive() && !plain)) {
      new WorkflowRun(api, display, terminal.out(), terminal.err(), terminal.hooks(), terminal.reconnectDelay(),
          terminal.pollInterval())
          .run(workflow, outputDir);
    }
    return ExitCodes.SUCCEEDED;
  }

  private URI address() {
    String given = firstOf(url, terminal.environment().get("DARKROOM_URL"));
    String address = given == null ? DEFAULT_URL : given;
    try {
      URI uri = URI.create(address);
      if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        return uri;
      }
    } catch (IllegalArgumentException notAUri) {
      // Said below, the same way as a URI of another kind.
    }
    throw CliFailure.badInput("--url " + address + " is not an http(s) address such as " + DEFAULT_URL);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw CliFailure.badInput("no such workflow file: " + file);
    } catch (IOException e) {
      throw CliFailure.badInput("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static String firstOf(String given, String fallback) {
    return given != null && !given.isBlank() ? given : fallback == null || fallback.isBlank() ? null : fallback;
  }
}
