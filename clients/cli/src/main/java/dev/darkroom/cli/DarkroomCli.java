package dev.darkroom.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ./darkroom run ...}: the user's command line. Exit codes: {@link ExitCodes}. */
@Command(name = "darkroom", mixinStandardHelpOptions = true,
    description = "Darkroom's client for users: runs ComfyUI workflows on a local or deployed Darkroom.")
public final class DarkroomCli implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(Terminal.ofProcess()).execute(args));
  }

  /** {@code darkroom} alone: a usage error, with the usage. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing the command: darkroom run WORKFLOW.json (see --help)");
  }

  /** The command line, wired to {@code terminal}; picocli's own usage errors exit 2, as bad input does. */
  static CommandLine commandLine(Terminal terminal) {
    CommandLine line = new CommandLine(new DarkroomCli());
    line.addSubcommand(new CommandLine(new RunCommand(terminal)));
    line.setOut(new PrintWriter(terminal.out(), true));
    line.setErr(new PrintWriter(terminal.err(), true));
    line.setExecutionExceptionHandler((failure, command, parsed) -> {
      if (failure instanceof CliFailure expected) {
        terminal.err().println("darkroom: " + expected.getMessage());
        return expected.exitCode();
      }
      terminal.err().println("darkroom: internal error, please report it: " + failure);
      failure.printStackTrace(terminal.err());
      return ExitCodes.INTERNAL_ERROR;
    });
    return line;
  }
}
