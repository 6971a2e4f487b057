package dev.darkroom.emulators.eventarc;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.gax.grpc.GrpcCallContext;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriptionName;
import io.cloudevents.CloudEvent;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running trigger of an {@link EventarcBridge}: a pull loop on the trigger's subscription that
 * POSTs every message to the target, holding it (its ack deadline extended every few seconds)
 * while it waits out the backoff between attempts.
 *
 * <p>Unary long-poll pulls, not the client library's streaming {@code Subscriber}: the streaming
 * client pings its stream and closes it after 20 s without an answer, which Google's emulator never
 * sends, so on an idle subscription streams closed every 20 s and a message caught in flight waited
 * for its ack deadline, 30 to 70 s late. A pull is one request and one answer; nothing idles.
 */
public final class Trigger {
  private static final Logger log = LoggerFactory.getLogger(Trigger.class);
  /** How long a partly filled reorder window waits for more messages before it is delivered. */
  static final Duration REORDER_FLUSH = Duration.ofMillis(500);
  private static final int DELIVERY_LOG_LIMIT = 10_000;
  // Retries are held client-side, so the client must keep extending deadlines for the whole
  // backoff schedule (5 attempts at GCP defaults take 2.5 minutes; without dead-lettering, forever).
  private static final Duration MAX_HOLD = Duration.ofHours(24);
  /** The subscription's ack deadline; held messages are extended by this much every third of it. */
  static final Duration ACK_DEADLINE = Duration.ofSeconds(30);
  private static final Duration EXTEND_EVERY = ACK_DEADLINE.dividedBy(3);
  /** Messages held at most (received, not yet acked or nacked), as the streaming client's flow control. */
  static final int MAX_OUTSTANDING = 1_000;
  private static final int MAX_PER_PULL = 100;
  // Acks and nacks go out in batches, as the streaming client sends them.
  private static final Duration SETTLE_EVERY = Duration.ofMillis(50);
  // A pull the emulator holds open with nothing to return is renewed after this long.
  private static final Duration PULL_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration PULL_RETRY = Duration.ofMillis(500);
  // Pub/Sub caps a request at 512 KB; ack ids are a few dozen bytes each.
  private static final int IDS_PER_REQUEST = 1_000;

  private final TriggerSpec spec;
  private final String projectId;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final ScheduledExecutorService scheduler;
  private final Publisher deadLetterPublisher;
  private SubscriptionAdminClient subscriptions;
  private Thread puller;
  private volatile ApiFuture<PullResponse> pulling;
  private final Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
  private final ConcurrentLinkedQueue<String> toAck = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> toNack = new ConcurrentLinkedQueue<>();
  private final List<ScheduledFuture<?>> housekeeping = new ArrayList<>();

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
  private final AtomicLong idlePulls = new AtomicLong();

  /** A message received from Pub/Sub and not yet acked or nacked. */
  private static final class Held {
    final PubsubMessage message;
    final String ackId;
    final long arrival;
    final long receivedAtNanos = System.nanoTime();
    final AtomicBoolean settled = new AtomicBoolean();

    Held(PubsubMessage message, String ackId, long arrival) {
      this.message = message;
      this.ackId = ackId;
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

  void start(SubscriptionAdminClient subscriptions) {
    this.subscriptions = subscriptions;
    housekeeping.add(scheduler.scheduleWithFixedDelay(
        this::extendHeld, EXTEND_EVERY.toMillis(), EXTEND_EVERY.toMillis(), TimeUnit.MILLISECONDS));
    housekeeping.add(scheduler.scheduleWithFixedDelay(
        this::sendSettlements, SETTLE_EVERY.toMillis(), SETTLE_EVERY.toMillis(), TimeUnit.MILLISECONDS));
    puller = new Thread(this::pullLoop, "eventarc-pull-" + spec.name());
    puller.setDaemon(true);
    puller.start();
  }

  private void pullLoop() {
    String subscription = SubscriptionName.of(projectId, spec.subscription()).toString();
    while (!stopping) {
      int asked = 0;
      try {
        outstanding.acquire();
        asked = 1 + Math.min(outstanding.drainPermits(), MAX_PER_PULL - 1);
        ApiFuture<PullResponse> call =
            subscriptions.pullCallable().futureCall(
                PullRequest.newBuilder().setSubscription(subscription).setMaxMessages(asked).build(),
                GrpcCallContext.createDefault().withTimeoutDuration(PULL_TIMEOUT));
        pulling = call;
        if (stopping) {
          call.cancel(true);
        }
        List<ReceivedMessage> received = call.get().getReceivedMessagesList();
        if (received.isEmpty()) {
          idlePulls.incrementAndGet();
        }
        outstanding.release(asked - received.size());
        asked = 0;
        for (ReceivedMessage message : received) {
          receive(message.getMessage(), message.getAckId());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        outstanding.release(asked);
        if (stopping) {
          return;
        }
        // An empty long poll ends in DEADLINE_EXCEEDED; anything else is logged and retried.
        if (isDeadlineExceeded(e)) {
          idlePulls.incrementAndGet();
        } else {
          log.warn("eventarc trigger={} pull failed, retrying: {}", spec.name(), describe(e));
          try {
            Thread.sleep(PULL_RETRY.toMillis());
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private static boolean isDeadlineExceeded(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof com.google.api.gax.rpc.DeadlineExceededException) {
        return true;
      }
    }
    return false;
  }

  // Extends every held message's deadline, up to MAX_HOLD after it arrived.
  private void extendHeld() {
    long now = System.nanoTime();
    List<String> ids = new ArrayList<>();
    for (Held message : held) {
      if (now - message.receivedAtNanos < MAX_HOLD.toNanos()) {
        ids.add(message.ackId);
      }
    }
    modifyDeadline(ids, (int) ACK_DEADLINE.toSeconds());
  }

  private void sendSettlements() {
    List<String> acks = drain(toAck);
    for (int from = 0; from < acks.size(); from += IDS_PER_REQUEST) {
      List<String> chunk = acks.subList(from, Math.min(acks.size(), from + IDS_PER_REQUEST));
      ApiFutures.addCallback(
          subscriptions.acknowledgeCallable().futureCall(AcknowledgeRequest.newBuilder()
              .setSubscription(SubscriptionName.of(projectId, spec.subscription()).toString())
              .addAllAckIds(chunk).build()),
          logFailure("ack of " + chunk.size() + " messages (they will be redelivered)"),
          Runnable::run);
    }
    modifyDeadline(drain(toNack), 0);
  }

  private void modifyDeadline(List<String> ackIds, int seconds) {
    for (int from = 0; from < ackIds.size(); from += IDS_PER_REQUEST) {
      List<String> chunk = ackIds.subList(from, Math.min(ackIds.size(), from + IDS_PER_REQUEST));
      ApiFutures.addCallback(
          subscriptions.modifyAckDeadlineCallable().futureCall(ModifyAckDeadlineRequest.newBuilder()
              .setSubscription(SubscriptionName.of(projectId, spec.subscription()).toString())
              .addAllAckIds(chunk).setAckDeadlineSeconds(seconds).build()),
          logFailure((seconds == 0 ? "nack" : "deadline extension") + " of " + chunk.size() + " messages"),
          Runnable::run);
    }
  }

  private static List<String> drain(ConcurrentLinkedQueue<String> queue) {
    List<String> drained = new ArrayList<>();
    for (String id = queue.poll(); id != null; id = queue.poll()) {
      drained.add(id);
    }
    return drained;
  }

  private <T> ApiFutureCallback<T> logFailure(String what) {
    return new ApiFutureCallback<>() {
      @Override
      public void onFailure(Throwable error) {
        if (!stopping) {
          log.warn("eventarc trigger={} {} failed: {}", spec.name(), what, describe(error));
        }
      }

      @Override
      public void onSuccess(T result) {}
    };
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

  /**
   * Long polls that came back with nothing to deliver. Google's emulator holds an empty pull until
   * just before its timeout (20 s) and then answers empty, so each one is a spell about that long in
   * which the subscription had nothing: as long as a streaming client stayed idle before it closed
   * its stream. Tests wait for one to know that a quiet spell has really lasted.
   */
  public long idlePulls() {
    return idlePulls.get();
  }

  /** Messages received from Pub/Sub and not yet acked or nacked. */
  public int heldCount() {
    return held.size();
  }

  /** The most recent POSTs (up to 10,000), oldest first. */
  public List<DeliveryRecord> deliveries() {
    return List.copyOf(deliveries);
  }

  private void receive(PubsubMessage message, String ackId) {
    Held arrived = new Held(message, ackId, arrivals.incrementAndGet());
    held.add(arrived);
    if (stopping) {
      nack(arrived);
      return;
    }
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
    CloudEvent event;
    if (spec.eventType().equals(TriggerSpec.STORAGE_OBJECT_FINALIZED)) {
      Optional<CloudEvent> finalized = StorageObjectEvent.of(message.message);
      if (finalized.isEmpty()) {
        // Another kind of notification: a trigger on finalize never sees it, as in Eventarc.
        attempts.remove(message.id());
        ack(message);
        return CompletableFuture.completedFuture(null);
      }
      event = finalized.get();
    } else {
      event = MessagePublishedEvent.of(projectId, spec.topic(), spec.subscription(), message.message, attempt);
    }
    HttpRequest request = MessagePublishedEvent.request(spec.target(), event, requestTimeout);
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
    if (delivery.succeeded() && delivery.attempt() == 1) {
      // Most deliveries: in the per-trigger stats and at DEBUG, not on ./darkroom up's console
      // (the scheduler's reconcile tick alone would print a line every few seconds).
      log.debug(line, args);
    } else if (delivery.succeeded()) {
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
    settle(message, toAck);
  }

  private void nack(Held message) {
    settle(message, toNack);
  }

  private void settle(Held message, ConcurrentLinkedQueue<String> queue) {
    if (message.settled.compareAndSet(false, true)) {
      held.remove(message);
      queue.add(message.ackId);
      outstanding.release();
    }
  }

  private static String describe(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  /** Stops pulling and nacks what it holds, so nothing waits for an ack deadline. */
  void stop(Duration timeout) {
    stopping = true;
    ApiFuture<PullResponse> call = pulling;
    if (call != null) {
      call.cancel(true);
    }
    if (puller != null) {
      try {
        puller.join(timeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (puller.isAlive()) {
        log.warn("eventarc trigger={} still pulling after {}", spec.name(), timeout);
      }
    }
    synchronized (reorderLock) {
      drainReorderBuffer();
    }
    held.forEach(this::nack);
    housekeeping.forEach(task -> task.cancel(false));
    if (subscriptions != null) {
      sendSettlements();
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
