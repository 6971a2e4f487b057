package dev.darkroom.emulators.run;

import java.nio.file.Path;

/**
 * One process the emulator started for a task attempt, for tests and diagnostics.
 *
 * @param taskIndex {@code CLOUD_RUN_TASK_INDEX}
 * @param attempt {@code CLOUD_RUN_TASK_ATTEMPT}, 0 for the first try
 * @param pid the child process id, or -1 if the process could not be started
 * @param exitCode the exit status, or null while the process runs
 * @param log the file holding the attempt's stdout and stderr
 */
public record TaskAttempt(int taskIndex, int attempt, long pid, Integer exitCode, Path log) {}
