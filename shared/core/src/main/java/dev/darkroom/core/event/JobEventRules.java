package dev.darkroom.core.event;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what a runner event does to a job. Pure: the same job and event always give the same
 * decision, which is what makes redelivery and reordering harmless.
 */
public final class JobEventRules {
  private JobEventRules() {}

  public static EventDecision decide(Job job, JobEvent event, Instant now) {
    if (event.attempt() != job.attempt()) {
      return new EventDecision.Stale(
          "event of attempt " + event.attempt() + ", job is on attempt " + job.attempt());
    }
    if (event.sequence() == job.lastSequence() && event.targetStatus() == job.status()) {
      return new EventDecision.Duplicate(job);
    }
    if (event.sequence() <= job.lastSequence()) {
      return new EventDecision.Stale(
          "sequence " + event.sequence() + " not after " + job.lastSequence());
    }
    if (event.sequence() == JobEvent.RECONCILER_SEQUENCE && job.status() == JobStatus.RUNNING) {
      return new EventDecision.Stale("the reconciler's verdict, but a runner has the job now");
    }
    JobStatus target = event.targetStatus();
    if (job.status() == JobStatus.LOST && target == JobStatus.TIMED_OUT
        && event.sequence() != JobEvent.RECONCILER_SEQUENCE) {
      // A lost attempt times out by the reconciler's verdict alone (its time limit passed while its
      // task was gone); a runner's late time-out of it is as undeliverable as its late success.
      return new EventDecision.Stale("a lost job times out only by the reconciler's verdict");
    }
    if (target != job.status() && !job.status().canMoveTo(target)) {
      return new EventDecision.Stale(
          "no transition " + job.status().wireName() + " -> " + target.wireName());
    }
    return new EventDecision.Apply(next(job, event, target, now));
  }

  private static Job next(Job job, JobEvent event, JobStatus target, Instant now) {
    Progress progress = target.isTerminal() ? null : job.progress();
    List<JobOutput> outputs = job.outputs();
    JobError error = job.error();
    double gpuSeconds = job.gpuSeconds();
    // Java 17: no pattern switch; the event family is sealed, so this chain is complete.
    if (event instanceof JobEvent.Progressed p) {
      progress = p.progress();
    } else if (event instanceof JobEvent.OutputProduced o) {
      outputs = withOutput(outputs, o.output());
    } else if (event instanceof JobEvent.Succeeded s) {
      outputs = s.outputs();
      gpuSeconds = s.gpuSeconds();
    } else if (event instanceof JobEvent.Failed f) {
      error = f.error();
      gpuSeconds = f.gpuSeconds();
    } else if (event instanceof JobEvent.Cancelled c) {
      gpuSeconds = c.gpuSeconds();
    } else if (event instanceof JobEvent.TimedOut t) {
      error = t.error();
      gpuSeconds = t.gpuSeconds();
    }
    Job next = job.afterEvent(target, event.sequence(), progress, outputs, error, gpuSeconds, now);
    if (event instanceof JobEvent.Started started && started.executionName() != null) {
      next = next.withExecution(started.executionName(), now);
    }
    return next;
  }

  private static List<JobOutput> withOutput(List<JobOutput> outputs, JobOutput output) {
    List<JobOutput> result = new ArrayList<>(outputs.size() + 1);
    for (JobOutput existing : outputs) {
      if (!existing.objectName().equals(output.objectName())) {
        result.add(existing);
      }
    }
    result.add(output);
    return result;
  }
}
