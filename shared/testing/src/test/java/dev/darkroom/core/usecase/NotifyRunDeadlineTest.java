package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.notify.DeliveryBudget;
import dev.darkroom.core.notify.RetrySchedule;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.port.WebhookSender;
import dev.darkroom.testing.InMemoryDeliveryLog;
import dev.darkroom.testing.InMemoryDeviceTokens;
import dev.darkroom.testing.InMemoryEmailRecipients;
import dev.darkroom.testing.InMemoryPendingNotifications;
import dev.darkroom.testing.InMemoryWebhookEndpoints;
import dev.darkroom.testing.RecordingEmailSender;
import dev.darkroom.testing.RecordingIntegrationEvents;
import dev.darkroom.testing.RecordingPushSender;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 12: notify runs inside a function with a 120 s timeout, and 20 webhook endpoints
 * that each take the sender's whole 15 s are 300 s of work. The platform kills a run at its
 * timeout (emulated here: the run's thread is stopped and whatever it had posted but not recorded
 * stays posted), so every run must end before it, and no endpoint may be posted twice.
 *
 * <p>Time is virtual and fast ({@link #SPEED} times real time), so a 15 s post takes 300 ms.
 */
class NotifyRunDeadlineTest {
  private static final long SPEED = 50;
  private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration POST_TIME = Duration.ofSeconds(15);
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private final FastClock clock = new FastClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final SlowReceivers receivers = new SlowReceivers();
  private final InMemoryWebhookEndpoints endpoints = new InMemoryWebhookEndpoints(clock);
  private final InMemoryPendingNotifications pending = new InMemoryPendingNotifications();
  private final JobNotification ended = new JobNotification("n-1", "job-1", "alice", "succeeded", clock.instant());
  private final ExecutorService platform = Executors.newCachedThreadPool();

  @AfterEach
  void stopPlatform() {
    platform.shutdownNow();
  }

  @Test
  void twentyEndpointsOfFifteenSecondsEachFitTheRunsDeadlineAndNoneIsPostedTwice() throws Exception {
    Outcome outcome = deliverUntilDone(notifyWith(10), 20);

    assertSoftly(soft -> {
      soft.assertThat(outcome.killedRuns).as("runs the platform killed at the %s timeout", FUNCTION_TIMEOUT).isZero();
      soft.assertThat(outcome.longestRun).as("the longest run").isLessThanOrEqualTo(FUNCTION_TIMEOUT);
      soft.assertThat(postedMoreThanOnce()).as("endpoints posted more than once").isEmpty();
    });
    assertThat(receivers.received).as("endpoints reached").hasSize(20);
  }

  @Test
  void attemptsThatCannotFinishBeforeTheDeadlineAreLeftForTheNextRunNotCutOff() throws Exception {
    // Two at a time: ten rounds of 15 s are more than one run holds.
    Outcome outcome = deliverUntilDone(notifyWith(2), 20);

    assertSoftly(soft -> {
      soft.assertThat(outcome.killedRuns).as("runs the platform killed at the %s timeout", FUNCTION_TIMEOUT).isZero();
      soft.assertThat(outcome.runs).as("runs needed").isGreaterThan(1);
      soft.assertThat(outcome.longestRun).as("the longest run").isLessThanOrEqualTo(FUNCTION_TIMEOUT);
      soft.assertThat(postedMoreThanOnce()).as("endpoints posted more than once").isEmpty();
    });
    assertThat(receivers.received).as("endpoints reached").hasSize(20);
  }

  private Map<String, Integer> postedMoreThanOnce() {
    Map<String, Integer> repeated = new java.util.TreeMap<>();
    receivers.received.forEach((path, count) -> {
      if (count.get() > 1) {
        repeated.put(path, count.get());
      }
    });
    return repeated;
  }

  private NotifyJobEnded notifyWith(int concurrency) {
    return new NotifyJobEnded(endpoints, receivers, new InMemoryDeviceTokens(), new RecordingPushSender(),
        new RecordingIntegrationEvents(), new NotifyJobEnded.Mail(new InMemoryEmailRecipients(), new RecordingEmailSender()),
        new InMemoryDeliveryLog(), pending, new RetrySchedule(RetrySchedule.standard().waits(), () -> 0.5),
        new DeliveryBudget(FUNCTION_TIMEOUT, DeliveryBudget.DEFAULT_MARGIN, POST_TIME, concurrency), clock);
  }

  private record Outcome(int runs, int killedRuns, Duration longestRun) {}

  /**
   * Runs the notification as the platform would: each run killed at the function's timeout; after
   * a run the sweep republishes it when due (after the lease, if the run was killed).
   */
  private Outcome deliverUntilDone(NotifyJobEnded notify, int endpointCount) throws Exception {
    for (int i = 0; i < endpointCount; i++) {
      endpoints.add(new WebhookEndpoint("ep" + i, "alice", "https://hooks" + i + ".example.com/ep" + i, List.of(SECRET)));
    }
    int runs = 0;
    int killed = 0;
    Duration longest = Duration.ZERO;
    while (runs < 10) {
      runs++;
      receivers.killed = false;
      Instant start = clock.instant();
      Future<NotifyJobEnded.Result> run = platform.submit(() -> notify.notify(ended));
      NotifyJobEnded.Result result = null;
      try {
        result = run.get(FUNCTION_TIMEOUT.toMillis() / SPEED, TimeUnit.MILLISECONDS);
      } catch (TimeoutException overTime) {
        receivers.killed = true;
        killed++;
        try {
          run.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
          // the run stopped where the platform killed it
        }
      }
      Duration took = Duration.between(start, clock.instant());
      longest = took.compareTo(longest) > 0 ? took : longest;
      if (result == null) {
        clock.skip(NotifyJobEnded.LEASE);
      } else if (result.retryLater()) {
        clock.skipTo(result.nextAttemptAt());
      } else {
        break;
      }
    }
    return new Outcome(runs, killed, longest);
  }

  /** Thrown into a run the platform killed: an Error, so that nothing in the run can catch it. */
  private static final class Killed extends Error {
    Killed() {
      super("killed at the function's timeout", null, false, false);
    }
  }

  /** Receivers that each take {@link #POST_TIME} to answer 200, counting what reached them. */
  private final class SlowReceivers implements WebhookSender {
    final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    volatile boolean killed;

    @Override
    public Response post(URI url, Map<String, String> headers, byte[] body) {
      if (killed) {
        throw new Killed();
      }
      received.computeIfAbsent(url.getPath(), p -> new AtomicInteger()).incrementAndGet();
      try {
        Thread.sleep(POST_TIME.toMillis() / SPEED);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (killed) {
        throw new Killed();
      }
      return Response.answered(200);
    }
  }

  /** Virtual time running {@link #SPEED} times faster than real time, which a test can also skip ahead. */
  private static final class FastClock extends Clock {
    private final Instant origin;
    private final long startNanos = System.nanoTime();
    private volatile Duration skipped = Duration.ZERO;

    FastClock(Instant origin) {
      this.origin = origin;
    }

    void skip(Duration by) {
      skipped = skipped.plus(by);
    }

    void skipTo(Instant when) {
      Duration ahead = Duration.between(instant(), when);
      if (!ahead.isNegative()) {
        skip(ahead);
      }
    }

    @Override
    public Instant instant() {
      return origin.plus(skipped).plusNanos((System.nanoTime() - startNanos) * SPEED);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
