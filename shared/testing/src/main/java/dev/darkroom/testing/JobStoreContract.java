package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.core.port.JobStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobStore} must do, the in-memory fake and the Firestore adapter alike.
 * Subclasses provide the store; each test uses fresh job ids, so stores may be shared.
 */
public abstract class JobStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  protected abstract JobStore store();

  protected static ObjectNode prompt() {
    try {
      return (ObjectNode) new ObjectMapper().readTree(
          "{\"3\":{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":18446744073709551615,\"cfg\":7.5,\"model\":[\"4\",0]}},"
              + "\"4\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"x.safetensors\"}}}");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  protected static Job newJob() {
    ObjectNode extra = new ObjectMapper().createObjectNode().put("client_id", "c1");
    return Job.queued(UUID.randomUUID().toString(), "alice", 42.5, prompt(), extra, "c1", T0);
  }

  @Test
  void countsJobsByStatus() {
    long queued = store().count(JobStatus.QUEUED);
    long running = store().count(JobStatus.RUNNING);
    for (int i = 0; i < 3; i++) {
      Job job = i < 2 ? newJob() : newJob().withStatus(JobStatus.RUNNING, T0.plusSeconds(1));
      store().update(job.id(), current -> Outcome.write(job, null));
    }
    assertThat(store().count(JobStatus.QUEUED)).isEqualTo(queued + 2);
    assertThat(store().count(JobStatus.RUNNING)).isEqualTo(running + 1);
  }

  @Test
  void aMissingJobIsEmpty() {
    assertThat(store().get("no-such-" + UUID.randomUUID())).isEmpty();
  }

  @Test
  void whatIsWrittenIsReadBackWholeWithItsPromptIntact() {
    Job job = newJob();
    store().update(job.id(), current -> Outcome.write(job, null));
    Job read = store().get(job.id()).orElseThrow();
    assertThat(read).usingRecursiveComparison().isEqualTo(job);
    assertThat(read.prompt().at("/3/inputs/seed").bigIntegerValue())
        .isEqualTo(new java.math.BigInteger("18446744073709551615"));
  }

  @Test
  void everyFieldOfARichJobSurvives() {
    Job job = newJob();
    Instant later = T0.plus(90, ChronoUnit.SECONDS);
    Job rich = job.withStatus(JobStatus.RUNNING, later).withExecution("projects/p/locations/l/jobs/j/executions/e", later)
        .afterEvent(JobStatus.FAILED, 7, new Progress("3", 5, 20),
            List.of(new JobOutput("9", "images", "a_00001_.png", "sub", "output", "outputs/alice/x/a.png", "image/png", 1234, "ff00")),
            new JobError("RuntimeError", "boom", "3"), 12.75, later)
        .withOutputsToExecute(List.of("9", "12"))
        .withCancelRequested(later)
        .hiddenFromHistory(later);
    store().update(rich.id(), current -> Outcome.write(rich, null));
    assertThat(store().get(rich.id()).orElseThrow()).usingRecursiveComparison().isEqualTo(rich);
  }

  @Test
  void thumbnailsSurvive() {
    Job job = newJob().withThumbnail(new dev.darkroom.core.job.Thumbnail("outputs/u/j/a.png",
        1_763_900_000_123_456L, "thumbnails/u/j/a.png.jpg", 256, 171, "image/jpeg"), T0.plusSeconds(1));
    store().update(job.id(), current -> Outcome.write(job, null));

    Job read = store().get(job.id()).orElseThrow();
    assertThat(read.thumbnails()).isEqualTo(job.thumbnails());
    assertThat(read.thumbnailOf("outputs/u/j/a.png").orElseThrow().height()).isEqualTo(171);
    assertThat(read.thumbnailOf("outputs/u/j/a.png").orElseThrow().sourceGeneration()).isEqualTo(1_763_900_000_123_456L);
  }

  @Test
  void aRunningJobKeepsItsHeartbeatFingerprintEndingAndTier() {
    Job running = newJob().withStatus(JobStatus.RUNNING, T0).withHeartbeat(T0.plusMillis(1500)).toBuilder()
        .endingAt(T0.plusMillis(2500)).tier("pro").build();
    store().update(running.id(), current -> Outcome.write(running, null));
    Job read = store().get(running.id()).orElseThrow();
    assertThat(read.heartbeatAt()).isEqualTo(T0.plusMillis(1500));
    assertThat(read.endingAt()).isEqualTo(T0.plusMillis(2500));
    assertThat(read.tier()).isEqualTo("pro");
    assertThat(read.fingerprint()).isEqualTo(running.fingerprint()).hasSize(16);
    assertThat(newJob().tier()).isEqualTo(Job.DEFAULT_TIER);
  }

  @Test
  void aJobsTimeLimitAndItsLostAttemptsStartSurvive() {
    Job lost = newJob().withMaxRunSeconds(600).claimedBy("exec-1", T0).withHeartbeat(T0.plusSeconds(300))
        .lost(T0.plusSeconds(700));
    store().update(lost.id(), current -> Outcome.write(lost, null));
    Job read = store().get(lost.id()).orElseThrow();
    assertThat(read.maxRunSeconds()).isEqualTo(600);
    assertThat(read.status()).isEqualTo(JobStatus.LOST);
    assertThat(read.runningSince()).isEqualTo(T0);
    assertThat(read.gpuSeconds()).isEqualTo(300.0);
    assertThat(newJob().maxRunSeconds()).as("a job written without one").isZero();
  }

  @Test
  void jobsUnchangedSinceAnInstantAreListedOldestFirstByStatus() {
    // Far in the past, so jobs other tests write (at T0) never fall in the window.
    Instant base = Instant.parse("2001-01-01T00:00:00Z").plusSeconds(UUID.randomUUID().hashCode() & 0xffff);
    Job older = Job.queued(UUID.randomUUID().toString(), "alice", 1, prompt(), null, null, base)
        .withStatus(JobStatus.RUNNING, base.plusMillis(10));
    Job old = Job.queued(UUID.randomUUID().toString(), "alice", 1, prompt(), null, null, base)
        .withStatus(JobStatus.RUNNING, base.plusMillis(20));
    Job fresh = Job.queued(UUID.randomUUID().toString(), "alice", 1, prompt(), null, null, base)
        .withStatus(JobStatus.RUNNING, base.plusSeconds(60));
    Job queued = Job.queued(UUID.randomUUID().toString(), "alice", 1, prompt(), null, null, base);
    for (Job job : List.of(old, fresh, older, queued)) {
      store().update(job.id(), current -> Outcome.write(job, null));
    }
    assertThat(store().unchangedSince(JobStatus.RUNNING, base.plusSeconds(30), 100))
        .extracting(Job::id).containsSubsequence(older.id(), old.id()).doesNotContain(fresh.id(), queued.id());
    assertThat(store().unchangedSince(JobStatus.RUNNING, base.plusMillis(15), 100))
        .extracting(Job::id).contains(older.id()).doesNotContain(old.id());
  }

  @Test
  void queuedJobsOfOneFingerprintAreListedInQueueOrder() throws Exception {
    String model = "m-" + UUID.randomUUID() + ".safetensors";
    ObjectNode needsModel = (ObjectNode) new ObjectMapper().readTree(
        "{\"4\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"" + model + "\"}}}");
    Job later = Job.queued(UUID.randomUUID().toString(), "alice", 7, needsModel, null, null, T0);
    Job sooner = Job.queued(UUID.randomUUID().toString(), "bob", 3, needsModel, null, null, T0.plusSeconds(1));
    Job running = Job.queued(UUID.randomUUID().toString(), "bob", 1, needsModel, null, null, T0)
        .withStatus(JobStatus.RUNNING, T0);
    Job otherModels = newJob();
    for (Job job : List.of(later, sooner, running, otherModels)) {
      store().update(job.id(), current -> Outcome.write(job, null));
    }
    String fingerprint = later.fingerprint();
    assertThat(store().queuedWithFingerprint(fingerprint, 10)).extracting(Job::id).containsExactly(sooner.id(), later.id());
    assertThat(store().queuedWithFingerprint(fingerprint, 1)).extracting(Job::id).containsExactly(sooner.id());
    assertThat(store().queuedWithFingerprint("no-such-fingerprint", 10)).isEmpty();
    // Any fingerprint, still in queue order, and only queued ones (the store may hold other tests' jobs).
    assertThat(store().queued(1000)).extracting(Job::id)
        .containsSubsequence(sooner.id(), later.id()).doesNotContain(running.id());
    List<Job> first = store().queued(1);
    assertThat(first).hasSize(1);
    assertThat(first.get(0).number()).isLessThanOrEqualTo(sooner.number());
  }

  @Test
  void eachUsersFirstQueuedJobIsListedOnePerUserInUserOrder() {
    String prefix = "q-" + UUID.randomUUID() + "-";
    Job aLater = Job.queued(UUID.randomUUID().toString(), prefix + "a", 5, prompt(), null, null, T0);
    Job aFirst = Job.queued(UUID.randomUUID().toString(), prefix + "a", 2, prompt(), null, null, T0.plusSeconds(9));
    Job aRunning = Job.queued(UUID.randomUUID().toString(), prefix + "a", 1, prompt(), null, null, T0)
        .withStatus(JobStatus.RUNNING, T0);
    Job bOnly = Job.queued(UUID.randomUUID().toString(), prefix + "b", 9, prompt(), null, null, T0);
    Job cFront = Job.queued(UUID.randomUUID().toString(), prefix + "c", -7, prompt(), null, null, T0);
    for (Job job : List.of(aLater, aFirst, aRunning, bOnly, cFront)) {
      store().update(job.id(), current -> Outcome.write(job, null));
    }

    assertThat(store().firstQueuedOfEachUser(prefix, 3)).extracting(Job::id)
        .containsExactly(aFirst.id(), bOnly.id(), cFront.id());
    assertThat(store().firstQueuedOfEachUser(prefix, 2)).extracting(Job::id).containsExactly(aFirst.id(), bOnly.id());
    assertThat(store().firstQueuedOfEachUser(prefix + "a", 1)).as("after a user: none of that user's jobs")
        .extracting(Job::id).containsExactly(bOnly.id());
    assertThat(store().firstQueuedOfEachUser(prefix, 0)).isEmpty();
  }

  @Test
  void aUsersJobsAreListedNewestFirstByStatusAndNoOneElses() {
    String user = "user-" + UUID.randomUUID();
    Job first = Job.queued(UUID.randomUUID().toString(), user, 1, prompt(), null, null, T0);
    Job second = Job.queued(UUID.randomUUID().toString(), user, 2, prompt(), null, null, T0.plusSeconds(1))
        .withStatus(JobStatus.RUNNING, T0.plusSeconds(2));
    Job third = Job.queued(UUID.randomUUID().toString(), user, 3, prompt(), null, null, T0.plusSeconds(3));
    Job someoneElses = Job.queued(UUID.randomUUID().toString(), user + "-other", 4, prompt(), null, null, T0);
    for (Job job : List.of(first, second, third, someoneElses)) {
      store().update(job.id(), current -> Outcome.write(job, null));
    }
    assertThat(store().listForUser(user, java.util.EnumSet.of(JobStatus.QUEUED, JobStatus.RUNNING), 10))
        .extracting(Job::id).containsExactly(third.id(), second.id(), first.id());
    assertThat(store().listForUser(user, java.util.EnumSet.of(JobStatus.QUEUED), 10))
        .extracting(Job::id).containsExactly(third.id(), first.id());
    assertThat(store().listForUser(user, java.util.EnumSet.of(JobStatus.QUEUED, JobStatus.RUNNING), 2))
        .extracting(Job::id).containsExactly(third.id(), second.id());
    assertThat(store().listForUser(user, java.util.EnumSet.of(JobStatus.SUCCEEDED), 10)).isEmpty();
  }

  @Test
  void theJobsOfSeveralUsersAreListedByStatusTogether() {
    // More users than one Firestore query may name with two statuses (30 disjunctions).
    String[] users = new String[20];
    List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < users.length; i++) {
      users[i] = "several-" + UUID.randomUUID();
      Job running = Job.queued(UUID.randomUUID().toString(), users[i], i, prompt(), null, null, T0)
          .withStatus(JobStatus.RUNNING, T0);
      put(running);
      expected.add(running.id());
      put(Job.queued(UUID.randomUUID().toString(), users[i], i, prompt(), null, null, T0));
    }
    Job dispatched = Job.queued(UUID.randomUUID().toString(), users[0], 99, prompt(), null, null, T0)
        .withStatus(JobStatus.DISPATCHED, T0);
    put(dispatched);
    expected.add(dispatched.id());
    put(Job.queued(UUID.randomUUID().toString(), "not-asked-" + UUID.randomUUID(), 1, prompt(), null, null, T0)
        .withStatus(JobStatus.RUNNING, T0));

    Set<String> asked = Set.of(users);
    Set<JobStatus> active = Set.of(JobStatus.DISPATCHED, JobStatus.RUNNING);
    assertThat(store().listForUsers(asked, active, 100)).extracting(Job::id)
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(store().listForUsers(asked, active, 5)).hasSize(5);
    assertThat(store().listForUsers(Set.of(), active, 5)).isEmpty();
  }

  private void put(Job job) {
    store().update(job.id(), current -> Outcome.write(job, null));
  }

  @Test
  void pagesOfAUsersJobsFollowEachOtherNewestFirstWithTiesBrokenById() {
    String user = "pager-" + UUID.randomUUID();
    List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      // Two jobs share each creation time but the last: the id breaks the tie.
      Instant at = T0.plusSeconds(i / 2);
      Job job = Job.builder(UUID.randomUUID().toString(), user, i == 3 ? JobStatus.SUCCEEDED : JobStatus.QUEUED)
          .createdAt(at).updatedAt(at).prompt(prompt()).attempt(1).build();
      store().update(job.id(), current -> Outcome.write(job, null));
      expected.add(job.id());
    }
    Job others = Job.builder(UUID.randomUUID().toString(), "someone-else", JobStatus.QUEUED)
        .createdAt(T0).updatedAt(T0).attempt(1).build();
    store().update(others.id(), current -> Outcome.write(others, null));
    List<Job> all = store().listForUser(user, java.util.EnumSet.allOf(JobStatus.class), 100);
    expected.sort(java.util.Comparator.comparing((String id) -> all.stream().filter(j -> j.id().equals(id))
        .findFirst().orElseThrow().createdAt()).thenComparing(id -> id).reversed());

    List<String> seen = new java.util.ArrayList<>();
    JobStore.Page.Position after = null;
    for (int page = 0; page < 4; page++) {
      List<Job> jobs = store().pageForUser(user, new JobStore.Page(Set.of(), null, null, after, 3));
      jobs.forEach(job -> seen.add(job.id()));
      if (jobs.isEmpty()) {
        break;
      }
      Job last = jobs.get(jobs.size() - 1);
      after = new JobStore.Page.Position(last.createdAt(), last.id());
    }
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void aPageFiltersByStatusAndCreationWindow() {
    String user = "filter-" + UUID.randomUUID();
    List<Job> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Instant at = T0.plusSeconds(10L * i);
      Job job = Job.builder(UUID.randomUUID().toString(), user, i % 2 == 0 ? JobStatus.QUEUED : JobStatus.FAILED)
          .createdAt(at).updatedAt(at).attempt(1).build();
      store().update(job.id(), current -> Outcome.write(job, null));
      jobs.add(job);
    }
    assertThat(store().pageForUser(user, new JobStore.Page(Set.of(JobStatus.FAILED), null, null, null, 10)))
        .extracting(Job::id).containsExactly(jobs.get(3).id(), jobs.get(1).id());
    assertThat(store().pageForUser(user, new JobStore.Page(Set.of(), T0, T0.plusSeconds(30), null, 10)))
        .extracting(Job::id).containsExactly(jobs.get(2).id(), jobs.get(1).id());
    assertThat(store().pageForUser(user, new JobStore.Page(Set.of(JobStatus.QUEUED, JobStatus.FAILED),
        null, null, new JobStore.Page.Position(jobs.get(2).createdAt(), jobs.get(2).id()), 1)))
        .extracting(Job::id).containsExactly(jobs.get(1).id());
  }

  @Test
  void updateSeesTheCurrentJobAndReturnsTheDecision() {
    Job job = newJob();
    store().update(job.id(), current -> Outcome.write(job, null));
    String seen = store().update(job.id(), current -> Outcome.keep(current.orElseThrow().status().wireName()));
    assertThat(seen).isEqualTo("queued");
  }

  @Test
  void keepLeavesTheDocumentAlone() {
    Job job = newJob();
    store().update(job.id(), current -> Outcome.write(job, null));
    store().update(job.id(), current -> Outcome.keep(null));
    assertThat(store().get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void concurrentClaimsHaveExactlyOneWinner() throws Exception {
    Job job = newJob();
    store().update(job.id(), current -> Outcome.write(job, null));
    AtomicInteger winners = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        futures.add(pool.submit(() -> {
          boolean won = store().update(job.id(), current -> {
            Job j = current.orElseThrow();
            return j.status() == JobStatus.QUEUED
                ? Outcome.write(j.withStatus(JobStatus.DISPATCHED, T0), true)
                : Outcome.keep(false);
          });
          if (won) {
            winners.incrementAndGet();
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(winners.get()).isEqualTo(1);
    assertThat(store().get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.DISPATCHED);
  }

  @Test
  void aCreatedJobIsReadWithoutItsPromptWhichPromptOfReads() {
    Job job = newJob();
    assertThat(store().create(job)).isEmpty();

    Job read = store().get(job.id()).orElseThrow();
    assertThat(read).usingRecursiveComparison().isEqualTo(job.withoutPrompt());
    JobPrompt prompt = store().promptOf(job.id()).orElseThrow();
    assertThat(prompt.prompt()).isEqualTo(job.prompt());
    assertThat(prompt.prompt().at("/3/inputs/seed").bigIntegerValue())
        .isEqualTo(new java.math.BigInteger("18446744073709551615"));
    assertThat(prompt.extraData()).isEqualTo(job.extraData());
    assertThat(store().promptOf("no-such-" + UUID.randomUUID())).isEmpty();
  }

  @Test
  void creatingAJobThatExistsWritesNothingAndAnswersTheStoredJob() {
    Job first = newJob();
    store().create(first);
    Job twin = Job.queued(first.id(), "mallory", 1, prompt().put("extra", "x"), null, null, T0.plusSeconds(5));

    Job stored = store().create(twin).orElseThrow();

    assertThat(stored).usingRecursiveComparison().isEqualTo(first.withoutPrompt());
    assertThat(store().get(first.id()).orElseThrow().userId()).isEqualTo("alice");
    assertThat(store().promptOf(first.id()).orElseThrow().prompt()).isEqualTo(first.prompt());
  }

  @Test
  void aJobWrittenWithItsPromptInlineKeepsItThroughUpdates() {
    // What code from before prompts moved out wrote, and still reads: no migration.
    Job inline = newJob();
    store().update(inline.id(), current -> Outcome.write(inline, null));
    store().update(inline.id(), current -> Outcome.write(current.orElseThrow().withStatus(JobStatus.DISPATCHED,
        T0.plusSeconds(1)), null));

    assertThat(store().get(inline.id()).orElseThrow().prompt()).isEqualTo(inline.prompt());
    assertThat(store().promptOf(inline.id()).orElseThrow().extraData()).isEqualTo(inline.extraData());
  }

  @Test
  void promptsOfAnswersEveryKnownJobOfBothShapesAtOnce() {
    Job created = newJob();
    store().create(created);
    Job inline = newJob();
    store().update(inline.id(), current -> Outcome.write(inline, null));
    Job unknown = Job.builder("no-such-" + UUID.randomUUID(), "alice", JobStatus.QUEUED).build();

    java.util.Map<String, JobPrompt> prompts = store().promptsOf(List.of(
        store().get(created.id()).orElseThrow(), store().get(inline.id()).orElseThrow(), unknown));

    assertThat(prompts).containsOnlyKeys(created.id(), inline.id());
    assertThat(prompts.get(created.id()).prompt()).isEqualTo(created.prompt());
    assertThat(prompts.get(inline.id()).prompt()).isEqualTo(inline.prompt());
    assertThat(store().promptsOf(List.of())).isEmpty();
  }

  @Test
  void aUsersJobsAreCountedByStatusUpToACap() {
    String user = "counted-" + UUID.randomUUID();
    for (int i = 0; i < 4; i++) {
      JobStatus status = i < 3 ? JobStatus.QUEUED : JobStatus.RUNNING;
      store().create(Job.queued(UUID.randomUUID().toString(), user, i, prompt(), null, null, T0).withStatus(status, T0));
    }
    store().create(Job.queued(UUID.randomUUID().toString(), user + "-other", 9, prompt(), null, null, T0));

    assertThat(store().countForUser(user, java.util.EnumSet.of(JobStatus.QUEUED, JobStatus.DISPATCHED), 100)).isEqualTo(3);
    assertThat(store().countForUser(user, java.util.EnumSet.of(JobStatus.QUEUED, JobStatus.RUNNING), 100)).isEqualTo(4);
    assertThat(store().countForUser(user, java.util.EnumSet.of(JobStatus.QUEUED, JobStatus.RUNNING), 2)).isEqualTo(2);
    assertThat(store().countForUser(user, java.util.EnumSet.of(JobStatus.SUCCEEDED), 100)).isZero();
    assertThat(store().countForUser(user, Set.of(), 100)).isZero();
  }

  @Test
  void historyListsAUsersVisibleFinishedJobsByCreationWithSkipAndLimit() {
    String user = "history-" + UUID.randomUUID();
    List<Job> finished = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Job job = Job.queued(UUID.randomUUID().toString(), user, i, prompt(), null, null, T0.plusSeconds(i))
          .withStatus(i == 2 ? JobStatus.FAILED : JobStatus.SUCCEEDED, T0.plusSeconds(10));
      store().create(job);
      finished.add(job);
    }
    Job hidden = finished.remove(3);
    store().update(hidden.id(), current -> Outcome.write(current.orElseThrow().hiddenFromHistory(T0.plusSeconds(20)), null));
    store().create(Job.queued(UUID.randomUUID().toString(), user, 9, prompt(), null, null, T0.plusSeconds(30)));
    store().create(Job.queued(UUID.randomUUID().toString(), user + "-other", 9, prompt(), null, null, T0)
        .withStatus(JobStatus.SUCCEEDED, T0));
    List<String> oldestFirst = finished.stream().map(Job::id).toList();

    assertThat(store().historyForUser(user, false, 0, 100)).extracting(Job::id).containsExactlyElementsOf(oldestFirst);
    assertThat(store().historyForUser(user, false, 1, 2)).extracting(Job::id)
        .containsExactly(oldestFirst.get(1), oldestFirst.get(2));
    assertThat(store().historyForUser(user, true, 0, 2)).extracting(Job::id)
        .containsExactly(oldestFirst.get(3), oldestFirst.get(2));
    assertThat(store().historyForUser(user, true, 0, 0)).isEmpty();
    assertThat(store().historyForUser(user, false, 0, 100).get(0).prompt()).isNull();
  }

  /**
   * Issue 19 item 8: a job whose outputs outgrow one Firestore document (1 MiB) is still recorded
   * when it ends, and read back whole, by itself and in listings; else the terminal write would
   * fail forever and the job be lost, rerun and lost again.
   */
  @Test
  void aJobWhoseOutputsOutgrowOneDocumentIsRecordedAndReadBackWhole() {
    String user = "outputs-" + UUID.randomUUID();
    Job job = Job.queued(UUID.randomUUID().toString(), user, 1, prompt(), null, "c1", T0);
    store().create(job);
    List<JobOutput> outputs = new java.util.ArrayList<>();
    for (int i = 0; i < 120; i++) {
      String text = (char) ('a' + i % 26) + "t".repeat(JobOutput.MAX_INLINE_TEXT - 1);
      outputs.add(JobOutput.text("7", "text", "note_" + i + ".txt", "outputs/" + user + "/" + job.id() + "/note_" + i
          + ".txt", text.length(), "sha" + i, text));
    }
    for (int i = 0; i < 2000; i++) {
      outputs.add(new JobOutput("9", "images", "x_" + i + "_.png", "", "output",
          "outputs/" + user + "/" + job.id() + "/x_" + i + "_.png", "image/png", 1000 + i, "h" + i));
    }
    Job ended = job.afterEvent(JobStatus.SUCCEEDED, 1, null, outputs, null, 12.5, T0.plusSeconds(60));
    store().update(job.id(), current -> Outcome.write(ended, null));

    Job read = store().get(job.id()).orElseThrow();
    assertThat(read.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(read.outputs()).containsExactlyElementsOf(outputs);
    assertThat(store().historyForUser(user, true, 0, 10).get(0).outputs()).containsExactlyElementsOf(outputs);
    // Later changes of the ended job (hidden from history) keep every output.
    store().update(job.id(), current -> Outcome.write(current.orElseThrow().hiddenFromHistory(T0.plusSeconds(90)), null));
    assertThat(store().get(job.id()).orElseThrow().outputs()).containsExactlyElementsOf(outputs);
  }

  /** A prompt and extra_data at their bounds (compact JSON) fit the prompt's own document. */
  @Test
  void aPromptAndExtraDataAtTheirBoundsAreStored() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode prompt = json.createObjectNode();
    int text = dev.darkroom.core.limits.InputLimits.JSON_STRING_CHARS;
    int nodes = dev.darkroom.core.limits.InputLimits.PROMPT_JSON_BYTES / (text + 64);
    for (int i = 0; i < nodes; i++) {
      prompt.putObject(Integer.toString(i)).put("class_type", "CLIPTextEncode").putObject("inputs")
          .put("text", "p".repeat(text));
    }
    ObjectNode extra = json.createObjectNode();
    for (int i = 0; i < dev.darkroom.core.limits.InputLimits.EXTRA_DATA_JSON_BYTES / (text + 16); i++) {
      extra.put("k" + i, "e".repeat(text));
    }
    Job job = Job.queued(UUID.randomUUID().toString(), "alice", 1, prompt, extra, "c1", T0);
    assertThat(store().create(job)).isEmpty();
    assertThat(store().promptOf(job.id()).orElseThrow().prompt()).isEqualTo(prompt);
  }

  @Test
  void queuedJobsAheadAreCountedByNumberThenId() {
    // Numbers far below any other test's, so that jobs other tests leave queued come after these.
    double n = -1e15 - (UUID.randomUUID().getMostSignificantBits() & 0xffffff) * 1000.0;
    Job first = Job.queued("ahead-a-" + UUID.randomUUID(), "alice", n, prompt(), null, null, T0);
    Job tieLow = Job.queued("ahead-b-" + UUID.randomUUID(), "alice", n + 1, prompt(), null, null, T0);
    Job tieHigh = Job.queued("ahead-c-" + UUID.randomUUID(), "alice", n + 1, prompt(), null, null, T0);
    Job running = Job.queued("ahead-d-" + UUID.randomUUID(), "alice", n + 0.5, prompt(), null, null, T0)
        .withStatus(JobStatus.RUNNING, T0);
    List.of(first, tieLow, tieHigh, running).forEach(job -> store().create(job));

    java.util.Map<String, Long> ahead = store().queuedAhead(List.of(first, tieLow, tieHigh, running));

    assertThat(ahead).containsOnlyKeys(first.id(), tieLow.id(), tieHigh.id());
    long before = ahead.get(first.id());
    assertThat(ahead.get(tieLow.id())).isEqualTo(before + 1);
    assertThat(ahead.get(tieHigh.id())).isEqualTo(before + 2);
    assertThat(store().queuedAhead(List.of())).isEmpty();
  }
}
