package dev.darkroom.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.darkroom.core.event.JobEvent;
import dev.darkroom.core.event.Messages;
import dev.darkroom.emulators.eventarc.DeliveryFaults;
import dev.darkroom.emulators.eventarc.Trigger;
import dev.darkroom.emulators.eventarc.TriggerStats;
import dev.darkroom.emulators.google.PubSubEmulatorChannels;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleClients;
import dev.darkroom.gcp.GoogleCloudConfig;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's at-least-once test: 1,000 prompts through the whole local stack while the Eventarc
 * bridge delivers every Pub/Sub message of every trigger three times, newest first within windows
 * of 20. Dispatch, the runners, job-events and notify must still run each job once and end it once.
 *
 * <p>What "once" is measured by, each from a place the code under test does not write for itself:
 * the simulated engine's count of executions per prompt id (run once), test subscriptions on
 * job-events (one terminal event per job from its runner, none from the reconciler) and on the
 * public CloudEvents topic (one event id per job), and the job documents (all succeeded, attempt 1).
 */
class AtLeastOnceAtScaleIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int JOBS = 1_000;
  private static final int COPIES = 3;
  private static final DeliveryFaults FAULTS = DeliveryFaults.NONE.withDuplicates(COPIES).withReorderWindow(20);
  private static final Duration BUDGET = Duration.ofMinutes(12);

  // Kept when the test fails: the logs of every process are under logs/ and cloud/cloud-run/.
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path dataDir;
  private static LocalStack stack;
  private static GoogleClients clients;
  private static PubSubEmulatorChannels pubsub;

  @BeforeAll
  static void startStack() {
    stack = LocalStack.start(new LocalStack.Options("darkroom-scale", 0, dataDir, Duration.ZERO, null));
    clients = new GoogleClients(GoogleCloudConfig.from(new Env(stack.functionEnvironment())));
    pubsub = PubSubEmulatorChannels.connect(stack.cloud().pubSub().orElseThrow().hostPort());
  }

  @AfterAll
  static void stopStack() {
    Resources.closeAll(pubsub, clients, stack);
  }

  @Test
  void aThousandJobsUnderTripledReorderedDeliveryRunOnceAndEndOnce() throws Exception {
    SubscriptionAdminClient admin = pubsub.subscriptionAdmin();
    SubscriptionName events = watch(admin, LocalStack.JOB_EVENTS);
    SubscriptionName publicEvents = watch(admin, LocalStack.JOB_EVENTS_PUBLIC);
    for (Trigger trigger : stack.cloud().eventarc().triggers()) {
      trigger.setFaults(FAULTS);
    }

    long start = System.nanoTime();
    List<String> ids = submit(JOBS);
    double submitSeconds = seconds(start);
    assertThat(ids).hasSize(JOBS).doesNotHaveDuplicates();

    Map<String, String> statuses = awaitAllTerminal(ids, start);
    double allDoneSeconds = seconds(start);

    Map<String, Integer> byStatus = new HashMap<>();
    statuses.values().forEach(status -> byStatus.merge(status, 1, Integer::sum));
    Map<String, Integer> errors = new HashMap<>();
    dev.darkroom.gcp.FirestoreJobStore store = new dev.darkroom.gcp.FirestoreJobStore(clients.firestore());
    statuses.forEach((id, status) -> {
      if (!"succeeded".equals(status)) {
        dev.darkroom.core.job.Job job = store.get(id).orElseThrow();
        errors.merge(status + " attempt " + job.attempt() + ": "
            + (job.error() == null ? "-" : job.error().type() + " " + job.error().message()), 1, Integer::sum);
      }
    });
    assertThat(byStatus).as("every job ended, and ended well; the others: %s", errors)
        .isEqualTo(Map.of("succeeded", JOBS));

    Map<String, Integer> executions = stack.engine().executionsByPromptId();
    assertThat(executions.keySet()).as("every job reached the engine").containsAll(ids);
    assertThat(executions.values()).as("no job ran twice").containsOnly(1);

    Map<String, Integer> terminalEvents = new HashMap<>();
    int reconcilerVerdicts = 0;
    for (ReceivedMessage message : drain(admin, events)) {
      JobEvent event = Messages.decode(message.getMessage().getData().toByteArray(), JobEvent.class);
      if (event.targetStatus().isTerminal()) {
        terminalEvents.merge(event.jobId(), 1, Integer::sum);
        reconcilerVerdicts += event.sequence() == JobEvent.RECONCILER_SEQUENCE ? 1 : 0;
      }
    }
    assertThat(terminalEvents.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(terminalEvents.values()).as("one terminal event per job").containsOnly(1);
    assertThat(reconcilerVerdicts).isZero();

    // notify runs after job-events: its CloudEvents may still be on their way when the last job ends.
    Map<String, Set<String>> cloudEventIds = new HashMap<>();
    AtomicInteger publicMessages = new AtomicInteger();
    await("a CloudEvent for every job on the public topic").atMost(Duration.ofMinutes(3))
        .pollInSameThread().pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          for (ReceivedMessage message : drain(admin, publicEvents)) {
            CloudEvent event = new JsonFormat().deserialize(message.getMessage().getData().toByteArray());
            cloudEventIds.computeIfAbsent(event.getSubject(), job -> new HashSet<>()).add(event.getId());
            publicMessages.incrementAndGet();
          }
          Set<String> withoutEvent = new HashSet<>(ids);
          withoutEvent.removeAll(cloudEventIds.keySet());
          assertThat(withoutEvent).as("jobs with no CloudEvent after %d public messages (logs in %s)",
              publicMessages.get(), dataDir).isEmpty();
        });
    assertThat(cloudEventIds.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(cloudEventIds.values()).as("one terminal CloudEvent (by id) per job").allMatch(set -> set.size() == 1);

    List<TriggerStats> stats = stack.cloud().eventarc().triggers().stream().map(Trigger::stats).toList();
    long duplicates = stats.stream().mapToLong(TriggerStats::duplicatesSent).sum();
    assertThat(duplicates).as("the faults were really injected").isGreaterThanOrEqualTo(2L * 3 * JOBS);
    System.out.printf(java.util.Locale.ROOT,
        "at-least-once at scale: %d jobs submitted in %.1f s, all terminal after %.1f s; duplicate POSTs %d;"
            + " engine executions %d; terminal events %d; public CloudEvent messages %d (distinct ids %d);"
            + " GPU tasks launched %d%n",
        JOBS, submitSeconds, allDoneSeconds, duplicates, executions.values().stream().mapToInt(i -> i).sum(),
        terminalEvents.values().stream().mapToInt(i -> i).sum(), publicMessages.get(),
        cloudEventIds.values().stream().mapToInt(Set::size).sum(), launchedExecutions());
  }

  /** A pull subscription of the test's own on {@code topic}, made before anything is published. */
  private static SubscriptionName watch(SubscriptionAdminClient admin, String topic) {
    SubscriptionName name = SubscriptionName.of(stack.cloud().projectId(), "scale-test-" + topic);
    admin.createSubscription(Subscription.newBuilder()
        .setName(name.toString())
        .setTopic(TopicName.of(stack.cloud().projectId(), topic).toString())
        .setAckDeadlineSeconds(600)
        .build());
    return name;
  }

  /** Everything on the subscription, acknowledged, until about two seconds pass with nothing more. */
  private static List<ReceivedMessage> drain(SubscriptionAdminClient admin, SubscriptionName subscription) {
    return PubSubEmulatorChannels.drain(admin, subscription, Duration.ofSeconds(3));
  }

  /**
   * POSTs {@code count} prompts, eight at a time: the smallest graph that loads a checkpoint and
   * saves an image (4 nodes, an 8x8 latent decoded), each with its own filename prefix. The test is
   * about deliveries, so each job is kept to few events: started, one progress per node, the
   * output, the end.
   */
  private static List<String> submit(int count) throws Exception {
    ObjectNode workflow = (ObjectNode) JSON.readTree("""
        {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "dreamshaper_8.safetensors"}},
         "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}},
         "8": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["4", 2]}},
         "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "scale"}}}
        """);
    HttpClient http = HttpClient.newHttpClient();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> posted = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ObjectNode prompt = workflow.deepCopy();
        ((ObjectNode) prompt.at("/9/inputs")).put("filename_prefix", "scale-" + i);
        String body = JSON.createObjectNode().set("prompt", prompt).toString();
        posted.add(threads.submit(() -> {
          HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/prompt"))
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
          if (answer.statusCode() != 200) {
            throw new IllegalStateException("POST /prompt answered " + answer.statusCode() + ": " + answer.body());
          }
          return JSON.readTree(answer.body()).get("prompt_id").asText();
        }));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> id : posted) {
        ids.add(id.get(5, TimeUnit.MINUTES));
      }
      return ids;
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Counts terminal job documents (an aggregation, cheap for the emulator) until all are, failing
   * when the budget runs out; then reads every job's status once.
   */
  private static Map<String, String> awaitAllTerminal(List<String> ids, long start) throws Exception {
    Firestore firestore = clients.firestore();
    com.google.cloud.firestore.Query terminalJobs =
        firestore.collection("jobs").whereIn("status", List.of("succeeded", "failed", "cancelled"));
    AtomicLong lastReported = new AtomicLong(-1);
    await("all " + ids.size() + " jobs terminal within the budget (logs in " + dataDir + ")").atMost(BUDGET)
        .pollInSameThread().pollInterval(Duration.ofSeconds(5))
        .until(() -> {
          long terminal = terminalJobs.count().get().get().getCount();
          if (terminal / 100 != lastReported.getAndSet(terminal / 100)) {
            System.out.printf(java.util.Locale.ROOT, "at-least-once at scale: %d of %d terminal after %.0f s%n",
                terminal, ids.size(), seconds(start));
          }
          return terminal;
        }, terminal -> terminal >= ids.size());
    Set<String> wanted = new HashSet<>(ids);
    Map<String, String> statuses = new HashMap<>();
    for (QueryDocumentSnapshot doc : firestore.collection("jobs").select("status").get().get().getDocuments()) {
      if (wanted.contains(doc.getId())) {
        statuses.put(doc.getId(), doc.getString("status"));
      }
    }
    return statuses;
  }

  private static boolean isTerminal(String status) {
    return "succeeded".equals(status) || "failed".equals(status) || "cancelled".equals(status);
  }

  /** The GPU job's executions so far, through Cloud Run's own client as an operator would list them. */
  private static long launchedExecutions() throws Exception {
    String hostPort = stack.cloud().cloudRun().orElseThrow().hostPort();
    io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forTarget(hostPort).usePlaintext().build();
    try (com.google.cloud.run.v2.ExecutionsClient executions = com.google.cloud.run.v2.ExecutionsClient.create(
        com.google.cloud.run.v2.ExecutionsSettings.newBuilder()
            .setEndpoint(hostPort)
            .setTransportChannelProvider(com.google.api.gax.rpc.FixedTransportChannelProvider.create(
                com.google.api.gax.grpc.GrpcTransportChannel.create(channel)))
            .setCredentialsProvider(com.google.api.gax.core.NoCredentialsProvider.create())
            .build())) {
      long count = 0;
      for (com.google.cloud.run.v2.Execution ignored
          : executions.listExecutions(LocalStack.gpuJobName(stack.cloud().projectId())).iterateAll()) {
        count++;
      }
      return count;
    } finally {
      channel.shutdownNow();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
