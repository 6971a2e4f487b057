package dev.darkroom.terraform.checks;

import java.util.ArrayList;
import java.util.List;

/**
 * What a check found: failures (the build fails) and notes (printed, e.g. the local-only variables a
 * deployable reads and Terraform leaves unset).
 */
public final class Report {
  private final List<String> failures = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public void fail(String message) {
    failures.add(message);
  }

  public void note(String message) {
    notes.add(message);
  }

  public List<String> failures() {
    return List.copyOf(failures);
  }

  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** Prints the notes to stdout, so that what a check deliberately lets through is visible in every build log. */
  public Report printNotes(String check) {
    notes.forEach(n -> System.out.println("[" + check + "] NOTE: " + n));
    return this;
  }
}
