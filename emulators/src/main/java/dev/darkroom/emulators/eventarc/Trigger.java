package dev.darkroom.emulators.eventarc;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.gax.core.InstantiatingExecutorProvider;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running trigger of an {@link EventarcBridge}: a streaming-pull subscriber on the trigger's
 * subscription that POSTs every message to the target, holding it (the client keeps extending
 * its ack deadline) while it waits out the backoff between attempts.
 */
public final class Trigger {
  private static final Logger log = LoggerFactory.getLogger(Trigger.class);
  /** How long a partly filled reorder window waits for more messages before it is delivered. */
  static final Duration REORDER_FLUSH = Duration.ofMillis(500);
  private static final int DELIVERY_LOG_LIMIT = 10_000;
  // Retries are held client-side, so the client must keep extending deadlines for the whole
  // backoff schedule (5 attempts at GCP defaults take 2.5 minutes; without dead-lettering, forever).
  private static final Duration MAX_HOLD = Duration.ofHours(24);
  static final Duration STREAM_ACK_DEADLINE = Duration.ofSeconds(10);

  private final TriggerSpec spec;
  private final String projectId;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final ScheduledExecutorService scheduler;
  private final Publisher deadLetterPublisher;
  private Subscriber subscriber;

  private volatile DeliveryFaults faults = DeliveryFaults.NONE;
  private final AtomicInteger acksToDrop = new AtomicInteger();
  private volatile boolean stopping;

  // Attempt counts survive a nack and the redelivery that follows; removed once acked.
  private final ConcurrentMap<String, Integer> attempts = new ConcurrentHashMap<>();
  private final Set<Held> held = ConcurrentHashMap.newKeySet();
  private final AtomicLong arrivals = new AtomicLong();
  private final Object reorderLock = new Object();
  private final List<Held> reorderBuffer = new ArrayList<>();
  private long reorderGeneration;

  private final Deque<DeliveryRecord> deliveries = new ConcurrentLinkedDeque<>();
  private final AtomicInteger deliveryCount = new AtomicInteger();
  private final AtomicLong attempted = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong duplicatesSent = new AtomicLong();
  private final AtomicLong acksDropped = new AtomicLong();

  /** A message received from Pub/Sub and not yet acked or nacked. */
  private static final class Held {
    final PubsubMessage message;
    final AckReplyConsumer reply;
    final long arrival;
    final AtomicBoolean settled = new AtomicBoolean();

    Held(PubsubMessage message, AckReplyConsumer reply, long arrival) {
      this.message = message;
      this.reply = reply;
      this.arrival = arrival;
    }

    String id() {
      return message.getMessageId();
    }
  }

  Trigger(
      TriggerSpec spec,
      String projectId,
      HttpClient http,
      Duration requestTimeout,
      ScheduledExecutorService scheduler,
      Publisher deadLetterPublisher) {
    this.spec = spec;
    this.projectId = projectId;
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.scheduler = scheduler;
    this.deadLetterPublisher = deadLetterPublisher;
  }

  void start(PubSubEmulatorChannels channels) {
    subscriber =
        channels
            .subscriber(ProjectSubscriptionName.of(projectId, spec.subscription()), this::receive)
            .setParallelPullCount(1)
            .setMaxAckExtensionPeriodDuration(MAX_HOLD)
            // The client pings the stream and closes it after 20 s without an answer, which the
            // emulator never sends: a message in flight on a closed stream comes back only when its
            // ack deadline passes. Short deadlines (renewed while held) make that seconds, not a minute.
            .setMaxDurationPerAckExtensionDuration(STREAM_ACK_DEADLINE)
            // The receiver only hands messages over, so two threads are plenty on a small machine.
            .setExecutorProvider(InstantiatingExecutorProvider.newBuilder().setExecutorThreadCount(2).build())
            .build();
    try {
      subscriber.startAsync().awaitRunning(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      subscriber.stopAsync();
      throw new IllegalStateException("subscriber of trigger " + spec.name() + " did not start", e);
    }
  }

  public String name() {
    return spec.name();
  }

  public TriggerSpec spec() {
    return spec;
  }

  public DeliveryFaults faults() {
    return faults;
  }

  /** Replaces the faults for messages from now on; {@code dropAcks} counts from this call. */
  public void setFaults(DeliveryFaults faults) {
    Objects.requireNonNull(faults, "faults");
    this.faults = faults;
    acksToDrop.set(faults.dropAcks());
    log.info("eventarc trigger={} faults={}", spec.name(), faults);
  }

  public TriggerStats stats() {
    return new TriggerStats(
        attempted.get(),
        succeeded.get(),
        failed.get(),
        deadLettered.get(),
        duplicatesSent.get(),
        acksDropped.get());
  }

  /** The most recent POSTs (up to 10,000), oldest first. */
  public List<DeliveryRecord> deliveries() {
    return List.copyOf(deliveries);
  }

  private void receive(PubsubMessage message, AckReplyConsumer reply) {
    if (stopping) {
      reply.nack();
      return;
    }
    Held arrived = new Held(message, reply, arrivals.incrementAndGet());
    held.add(arrived);
    int window = faults.reorderWindow();
    if (window > 1) {
      buffer(arrived, window);
    } else {
      startDelivery(arrived);
    }
  }

  private void buffer(Held message, int window) {
    List<Held> batch = null;
    synchronized (reorderLock) {
      reorderBuffer.add(message);
      if (reorderBuffer.size() >= window) {
        batch = drainReorderBuffer();
      } else if (reorderBuffer.size() == 1) {
        long generation = reorderGeneration;
        schedule(REORDER_FLUSH).thenRun(() -> flushReorderBuffer(generation));
      }
    }
    if (batch != null) {
      deliverNewestFirst(batch);
    }
  }

  private void flushReorderBuffer(long generation) {
    List<Held> batch;
    synchronized (reorderLock) {
      if (generation != reorderGeneration || reorderBuffer.isEmpty()) {
        return;
      }
      batch = drainReorderBuffer();
    }
    deliverNewestFirst(batch);
  }

  private List<Held> drainReorderBuffer() {
    List<Held> batch = new ArrayList<>(reorderBuffer);
    reorderBuffer.clear();
    reorderGeneration++;
    return batch;
  }

  // Sequential, so the function really sees this order; later attempts are scheduled separately.
  private void deliverNewestFirst(List<Held> batch) {
    batch.sort(
        Comparator.comparing((Held h) -> MessagePublishedEvent.toInstant(h.message.getPublishTime()))
            .thenComparingLong(h -> h.arrival)
            .reversed());
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (Held message : batch) {
      chain = chain.thenCompose(ignored -> startDelivery(message));
    }
  }

  /** Completes when the first attempt has been answered; never completes exceptionally. */
  private CompletableFuture<Void> startDelivery(Held message) {
    DeliveryFaults current = faults;
    CompletableFuture<Void> ready =
        current.delay().isZero() ? CompletableFuture.completedFuture(null) : schedule(current.delay());
    return ready
        .thenCompose(ignored -> attempt(message, current.duplicates() - 1))
        .exceptionally(e -> giveBack(message, e));
  }

  private CompletableFuture<Void> attempt(Held message, int extraCopies) {
    if (stopping) {
      nack(message);
      return CompletableFuture.completedFuture(null);
    }
    int attempt = attempts.merge(message.id(), 1, Integer::sum);
    HttpRequest request =
        MessagePublishedEvent.request(
            spec.target(),
            MessagePublishedEvent.of(projectId, spec.topic(), spec.subscription(), message.message, attempt),
            requestTimeout);
    CompletableFuture<Boolean> outcome = post(request, message.id(), attempt, false);
    for (int copy = 0; copy < extraCopies; copy++) {
      outcome = outcome.thenCompose(accepted -> post(request, message.id(), attempt, true).thenApply(ignored -> accepted));
    }
    return outcome.thenAccept(accepted -> settle(message, attempt, accepted));
  }

  private CompletableFuture<Boolean> post(HttpRequest request, String messageId, int attempt, boolean duplicate) {
    attempted.incrementAndGet();
    if (duplicate) {
      duplicatesSent.incrementAndGet();
    }
    Instant startedAt = Instant.now();
    long start = System.nanoTime();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, error) -> {
              DeliveryRecord delivery =
                  new DeliveryRecord(
                      messageId,
                      attempt,
                      duplicate,
                      startedAt,
                      start,
                      Duration.ofNanos(System.nanoTime() - start),
                      response == null ? -1 : response.statusCode(),
                      error == null ? null : describe(error));
              record(delivery);
              return delivery.succeeded();
            });
  }

  private void record(DeliveryRecord delivery) {
    (delivery.succeeded() ? succeeded : failed).incrementAndGet();
    deliveries.addLast(delivery);
    if (deliveryCount.incrementAndGet() > DELIVERY_LOG_LIMIT) {
      deliveries.pollFirst();
      deliveryCount.decrementAndGet();
    }
    String line = "eventarc trigger={} messageId={} attempt={} status={}{} latencyMs={}";
    Object[] args = {
      spec.name(),
      delivery.messageId(),
      delivery.attempt(),
      delivery.status() < 0 ? delivery.error() : delivery.status(),
      delivery.duplicate() ? " duplicate=true" : "",
      delivery.latency().toMillis()
    };
    if (delivery.succeeded()) {
      log.info(line, args);
    } else {
      log.warn(line, args);
    }
  }

  private void settle(Held message, int attempt, boolean accepted) {
    if (accepted) {
      if (acksToDrop.getAndUpdate(left -> left > 0 ? left - 1 : 0) > 0) {
        acksDropped.incrementAndGet();
        log.info("eventarc trigger={} messageId={} ack dropped (fault), nacked for redelivery", spec.name(), message.id());
        nack(message);
      } else {
        attempts.remove(message.id());
        ack(message);
      }
      return;
    }
    if (spec.deadLetterTopic() != null && attempt >= spec.maxDeliveryAttempts()) {
      deadLetter(message, attempt);
      return;
    }
    schedule(spec.backoffAfter(attempt))
        .thenCompose(ignored -> attempt(message, 0))
        .exceptionally(e -> giveBack(message, e));
  }

  private void deadLetter(Held message, int attempt) {
    PubsubMessage forwarded =
        PubsubMessage.newBuilder()
            .setData(message.message.getData())
            .putAllAttributes(message.message.getAttributesMap())
            .putAllAttributes(
                MessagePublishedEvent.deadLetterAttributes(
                    projectId, spec.subscription(), attempt, message.message.getPublishTime()))
            .build();
    ApiFuture<String> published = deadLetterPublisher.publish(forwarded);
    ApiFutures.addCallback(
        published,
        new ApiFutureCallback<String>() {
          @Override
          public void onSuccess(String deadLetterId) {
            deadLettered.incrementAndGet();
            attempts.remove(message.id());
            log.warn(
                "eventarc trigger={} messageId={} dead-lettered after {} attempts to {} as {}",
                spec.name(), message.id(), attempt, spec.deadLetterTopic(), deadLetterId);
            ack(message);
          }

          @Override
          public void onFailure(Throwable error) {
            log.error(
                "eventarc trigger={} messageId={} dead-lettering to {} failed, nacked: {}",
                spec.name(), message.id(), spec.deadLetterTopic(), describe(error));
            nack(message);
          }
        },
        Runnable::run);
  }

  private Void giveBack(Held message, Throwable error) {
    if (!stopping) {
      log.error("eventarc trigger={} messageId={} delivery aborted, nacked: {}", spec.name(), message.id(), describe(error));
    }
    nack(message);
    return null;
  }

  private CompletableFuture<Void> schedule(Duration delay) {
    CompletableFuture<Void> elapsed = new CompletableFuture<>();
    try {
      scheduler.schedule(() -> elapsed.complete(null), delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      elapsed.completeExceptionally(e);
    }
    return elapsed;
  }

  private void ack(Held message) {
    if (message.settled.compareAndSet(false, true)) {
      held.remove(message);
      message.reply.ack();
    }
  }

  private void nack(Held message) {
    if (message.settled.compareAndSet(false, true)) {
      held.remove(message);
      message.reply.nack();
    }
  }

  private static String describe(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  /** Nacks what it holds (so nothing waits for an ack deadline) and stops pulling. */
  void stop(Duration timeout) {
    stopping = true;
    synchronized (reorderLock) {
      drainReorderBuffer();
    }
    held.forEach(this::nack);
    if (subscriber != null) {
      try {
        subscriber.stopAsync().awaitTerminated(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.warn("eventarc trigger={} subscriber still stopping after {}", spec.name(), timeout);
      }
    }
    if (deadLetterPublisher != null) {
      deadLetterPublisher.shutdown();
      try {
        deadLetterPublisher.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
