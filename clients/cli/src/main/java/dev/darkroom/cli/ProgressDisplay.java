package dev.darkroom.cli;

import java.io.PrintStream;
import java.util.Objects;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a job's way to its end: on a terminal a progress bar per running node (the node, its step
 * and percent), elsewhere (a pipe, a log, CI) one plain line per change, which reads well in a file.
 */
interface ProgressDisplay extends AutoCloseable {

  /** The job's status as it is now (called for every change; repeats are not shown). */
  void status(Job job);

  /**
   * {@code node} (its label) is at {@code value} of {@code max}; a {@code max} of 0 says only that
   * the node started (Darkroom sends that for every node, steps only for those that have them).
   */
  void progress(String node, long value, long max);

  /** Ends any bar, leaving the cursor on a fresh line. */
  @Override
  void close();

  static ProgressDisplay on(PrintStream out, boolean terminal) {
    return terminal ? new Bars(out) : new Lines(out);
  }

  /** How a status reads: {@code queued (position 2)}, {@code running}. */
  static String describe(Job job) {
    return job.status() + (job.queuePosition() != null ? " (position " + job.queuePosition() + ")" : "");
  }

  /** One line per change: {@code node 3 KSampler: step 5/20 (25%)}. */
  final class Lines implements ProgressDisplay {
    private final PrintStream out;
    private String shownStatus;

    Lines(PrintStream out) {
      this.out = out;
    }

    @Override
    public void status(Job job) {
      String now = describe(job);
      if (!now.equals(shownStatus)) {
        out.println("job " + job.id() + " " + now);
        shownStatus = now;
      }
    }

    @Override
    public void progress(String node, long value, long max) {
      out.println("node " + node + (max > 0 ? ": step " + value + "/" + max + " (" + value * 100 / max + "%)" : ""));
    }

    @Override
    public void close() {
      out.flush();
    }
  }

  /** A bar per node that reports progress; status changes before the first bar are lines. */
  final class Bars implements ProgressDisplay {
    private final PrintStream out;
    private String shownStatus;
    private ProgressBar bar;
    private String barNode;

    Bars(PrintStream out) {
      this.out = out;
    }

    @Override
    public void status(Job job) {
      String now = describe(job);
      if (now.equals(shownStatus)) {
        return;
      }
      shownStatus = now;
      if (bar != null) {
        bar.setExtraMessage(job.status());
      } else {
        out.println("job " + job.id() + " " + now);
      }
    }

    @Override
    public void progress(String node, long value, long max) {
      if (max <= 0) {
        close();
        out.println("node " + node);
        return;
      }
      if (bar == null || !Objects.equals(node, barNode)) {
        close();
        bar = new ProgressBarBuilder().setTaskName("node " + node).setInitialMax(max)
            .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(100).continuousUpdate()
            .setConsumer(new ConsoleProgressBarConsumer(out)).build();
        barNode = node;
      }
      bar.maxHint(max);
      bar.stepTo(value);
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
        barNode = null;
      }
      out.flush();
    }
  }
}
