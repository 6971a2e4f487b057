/**
 * The dead-letters function: messages that dispatch or job-events failed on every delivery become
 * failed jobs with a reason, or the runner's end applied late.
 */
package dev.darkroom.functions.deadletters;
