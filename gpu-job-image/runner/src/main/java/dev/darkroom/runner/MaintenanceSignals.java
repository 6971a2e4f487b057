package dev.darkroom.runner;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Cloud Run's maintenance signals: SIGTSTP about 10 s before a task is paused to be moved, SIGCONT
 * when it runs again. Without a handler the JVM would stop on SIGTSTP by itself; with one, the
 * runner keeps going and is told ({@code false}: pausing, {@code true}: resumed).
 */
final class MaintenanceSignals {
  private static final Logger log = LoggerFactory.getLogger(MaintenanceSignals.class);

  private MaintenanceSignals() {}

  static void install(Consumer<Boolean> onMaintenance) {
    handle("TSTP", () -> onMaintenance.accept(false));
    handle("CONT", () -> onMaintenance.accept(true));
  }

  private static void handle(String signal, Runnable action) {
    try {
      Signal.handle(new Signal(signal), s -> action.run());
    } catch (IllegalArgumentException e) {
      // Not every platform has the signal or lets a program handle it: run without.
      log.warn("cannot handle SIG{}: {}", signal, e.getMessage());
    }
  }
}
