package dev.darkroom.gcp;

import com.google.api.core.ApiFuture;
import com.google.cloud.firestore.AggregateQuerySnapshot;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.TransactionOptions;
import com.google.cloud.firestore.WriteBatch;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.core.port.JobStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * {@link JobStore} on Firestore: {@code jobs/{jobId}}, each update one transaction, and each job's
 * prompt in the document {@code jobs/{jobId}/prompt/body} ({@link JobDocuments#PROMPT_COLLECTION}),
 * written in the same commit as the job it belongs to. Beside the job rather than in it:
 * listeners of the job document (web clients, {@code /ws}, SSE), heartbeats and events never move
 * it. A Firestore subcollection rather than Cloud Storage: one commit writes job and prompt
 * atomically (no orphan, no job without its prompt), the api needs no other client, and a
 * prompt fits (the same 1 MiB document bound as before, which submit already enforces). A
 * subcollection rather than a collection of its own: no new collection name in any environment's
 * configuration, and queries on the jobs collection never see it.
 *
 * <p>A job's outputs that would take its document past {@link JobDocuments#JOB_DOCUMENT_BYTES}
 * go to pages beside it ({@code jobs/{jobId}/outputs/{n}}, {@link JobDocuments#split}), written in
 * the same transaction as the job and read back with it by every method that returns jobs (one
 * more {@code getAll} for the jobs that have pages, none for the others). Firestore refuses a
 * document over 1 MiB, so otherwise a job with thousands of outputs or many long texts could never
 * be written ended. Web clients listening to the document itself see the outputs that stayed in it;
 * {@link FirestoreJobFeed} ({@code /ws}, SSE) reads the pages too.
 */
public final class FirestoreJobStore implements JobStore {
  /** The most disjunctions (in normal form) Firestore allows in one query. */
  private static final int DISJUNCTIONS = 30;

  /**
   * Measured on the emulator: 8 writers contending on one document need more than the client's
   * default 5 attempts; claims and event updates are exactly that pattern.
   */
  private static final int TRANSACTION_ATTEMPTS = 50;

  private final Firestore firestore;
  private final String collection;

  public FirestoreJobStore(Firestore firestore, String collection) {
    this.firestore = firestore;
    this.collection = collection;
  }

  public FirestoreJobStore(Firestore firestore) {
    this(firestore, "jobs");
  }

  @Override
  public Optional<Job> get(String jobId) {
    DocumentSnapshot doc = await(document(jobId).get());
    return doc.exists() ? Optional.of(withPagedOutputs(List.of(doc)).get(0)) : Optional.empty();
  }

  /**
   * One batched write of the job (a {@code create}: it must not exist) and its prompt; if the job
   * exists the batch fails whole, nothing is written, and the job is read: the replay path.
   */
  @Override
  public Optional<Job> create(Job job) {
    WriteBatch batch = firestore.batch();
    JobDocuments.Split split = JobDocuments.split(job.withoutPrompt());
    batch.create(document(job.id()), split.job());
    for (int n = 0; n < split.pages().size(); n++) {
      batch.set(outputPage(job.id(), n), split.pages().get(n));
    }
    batch.set(prompt(job.id()), JobDocuments.toPromptDocument(JobPrompt.of(job)));
    try {
      await(batch.commit());
      return Optional.empty();
    } catch (RuntimeException e) {
      if (!FirestoreGpuPool.lostRace(e)) {
        throw e;
      }
      return Optional.of(get(job.id()).orElseThrow(() -> new IllegalStateException(
          "job " + job.id() + " could not be created, yet it does not exist", e)));
    }
  }

  @Override
  public Optional<JobPrompt> promptOf(String jobId) {
    return Optional.ofNullable(storedPrompts(Set.of(jobId)).get(jobId));
  }

  @Override
  public Map<String, JobPrompt> promptsOf(Collection<Job> jobs) {
    Map<String, JobPrompt> found = new HashMap<>();
    Set<String> stored = new java.util.LinkedHashSet<>();
    for (Job job : jobs) {
      if (job.prompt() != null) {
        found.put(job.id(), JobPrompt.of(job));
      } else {
        stored.add(job.id());
      }
    }
    stored.removeAll(found.keySet());
    found.putAll(storedPrompts(stored));
    return found;
  }

  /**
   * One {@code getAll} of the prompt documents, then one of the job documents of those that have
   * none: a job written before prompts moved out keeps its prompt inline.
   */
  private Map<String, JobPrompt> storedPrompts(Set<String> jobIds) {
    Map<String, JobPrompt> found = new HashMap<>();
    if (jobIds.isEmpty()) {
      return found;
    }
    List<DocumentReference> inline = new ArrayList<>();
    for (DocumentSnapshot doc : await(firestore.getAll(jobIds.stream().map(this::prompt).toArray(DocumentReference[]::new)))) {
      DocumentReference job = doc.getReference().getParent().getParent();
      if (doc.exists()) {
        found.put(job.getId(), JobDocuments.fromPromptDocument(job.getId(), doc.getData()));
      } else {
        inline.add(job);
      }
    }
    if (!inline.isEmpty()) {
      for (DocumentSnapshot doc : await(firestore.getAll(inline.toArray(DocumentReference[]::new)))) {
        if (doc.exists()) {
          Job job = JobDocuments.fromDocument(doc); // the prompt only: its outputs' pages are not needed
          if (job.prompt() != null) {
            found.put(job.id(), JobPrompt.of(job));
          }
        }
      }
    }
    return found;
  }

  @Override
  public <T> T update(String jobId, JobChange<T> change) {
    DocumentReference ref = document(jobId);
    return await(firestore.runTransaction(tx -> {
      DocumentSnapshot doc = tx.get(ref).get();
      Map<String, Object> data = doc.exists() ? doc.getData() : null;
      int pagesBefore = JobDocuments.outputPages(data);
      Optional<Job> current = Optional.empty();
      if (data != null) {
        List<DocumentSnapshot> pages = pagesBefore == 0 ? List.of()
            : tx.getAll(outputPages(jobId, pagesBefore)).get();
        current = Optional.of(withOutputs(JobDocuments.fromFields(jobId, data), pages));
      }
      JobChange.Outcome<T> outcome = change.decide(current);
      if (outcome.write() != null) {
        JobDocuments.Split split = JobDocuments.split(outcome.write());
        tx.set(ref, split.job());
        for (int n = 0; n < split.pages().size(); n++) {
          tx.set(outputPage(jobId, n), split.pages().get(n));
        }
        for (int n = split.pages().size(); n < pagesBefore; n++) {
          tx.delete(outputPage(jobId, n));
        }
      }
      return outcome.result();
    }, TransactionOptions.createReadWriteOptionsBuilder().setNumberOfAttempts(TRANSACTION_ATTEMPTS).build()));
  }

  /**
   * Needs the composite index {@code jobs: userId ASC, status ASC, createdAt DESC} (declared in
   * Terraform; the emulator needs none).
   */
  @Override
  public List<Job> listForUser(String userId, Set<JobStatus> statuses, int limit) {
    if (statuses.isEmpty() || limit <= 0) {
      return List.of();
    }
    List<String> wireNames = statuses.stream().map(JobStatus::wireName).toList();
    return jobs(firestore.collection(collection)
        .whereEqualTo("userId", userId)
        .whereIn("status", List.copyOf(wireNames))
        .orderBy("createdAt", Query.Direction.DESCENDING), limit);
  }

  /** An aggregation over the same filters as {@link #listForUser}, capped at {@code atMost} index entries. */
  @Override
  public long countForUser(String userId, Set<JobStatus> statuses, long atMost) {
    if (statuses.isEmpty() || atMost <= 0) {
      return 0;
    }
    Query query = firestore.collection(collection)
        .whereEqualTo("userId", userId)
        .whereIn("status", statuses.stream().map(JobStatus::wireName).sorted().toList());
    return await(query.limit(Math.toIntExact(Math.min(atMost, Integer.MAX_VALUE))).count().get()).getCount();
  }

  /**
   * The hidden flag is a filter of the query, so that the limit is the query's: needs the
   * composite indexes {@code jobs: userId ASC, hiddenFromHistory ASC, status ASC, createdAt DESC}
   * and the same with {@code createdAt ASC} (declared in Terraform; the emulator needs none).
   * {@code skip} is the query's offset: skipped documents are not sent, though Firestore bills
   * them, as ComfyUI's {@code offset} paging asks for.
   */
  @Override
  public List<Job> historyForUser(String userId, boolean newestFirst, int skip, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    List<String> finished = java.util.Arrays.stream(JobStatus.values()).filter(JobStatus::isTerminal)
        .map(JobStatus::wireName).sorted().toList();
    Query query = firestore.collection(collection)
        .whereEqualTo("userId", userId)
        .whereEqualTo("hiddenFromHistory", false)
        .whereIn("status", finished)
        .orderBy("createdAt", newestFirst ? Query.Direction.DESCENDING : Query.Direction.ASCENDING);
    if (skip > 0) {
      query = query.offset(skip);
    }
    return jobs(query, limit);
  }

  /**
   * One query for up to {@value #DISJUNCTIONS} users-by-statuses pairs (Firestore's limit on the
   * disjunctions of one query: users × statuses), more only past that. Served by the
   * {@code userId, status} prefix of the index {@link #listForUser} uses.
   */
  @Override
  public List<Job> listForUsers(Set<String> userIds, Set<JobStatus> statuses, int limit) {
    if (userIds.isEmpty() || statuses.isEmpty() || limit <= 0) {
      return List.of();
    }
    List<String> wireNames = statuses.stream().map(JobStatus::wireName).sorted().toList();
    List<String> users = userIds.stream().sorted().toList();
    int usersPerQuery = Math.max(1, DISJUNCTIONS / wireNames.size());
    List<Job> found = new java.util.ArrayList<>();
    for (int from = 0; from < users.size() && found.size() < limit; from += usersPerQuery) {
      found.addAll(jobs(firestore.collection(collection)
          .whereIn("userId", List.copyOf(users.subList(from, Math.min(users.size(), from + usersPerQuery))))
          .whereIn("status", wireNames), limit - found.size()));
    }
    return found;
  }

  /**
   * Always filters on status ({@code in} every status when the page names none), so one
   * composite index serves every page: {@code jobs: userId ASC, status ASC, createdAt DESC}, with
   * the document id, which Firestore appends in the last field's direction, breaking ties.
   */
  @Override
  public List<Job> pageForUser(String userId, Page page) {
    if (page.limit() <= 0) {
      return List.of();
    }
    Set<JobStatus> statuses = page.statuses().isEmpty() ? Set.of(JobStatus.values()) : page.statuses();
    Query query = firestore.collection(collection)
        .whereEqualTo("userId", userId)
        .whereIn("status", statuses.stream().map(JobStatus::wireName).sorted().toList());
    if (page.createdAfter() != null) {
      query = query.whereGreaterThan("createdAt", JobDocuments.timestamp(page.createdAfter()));
    }
    if (page.createdBefore() != null) {
      query = query.whereLessThan("createdAt", JobDocuments.timestamp(page.createdBefore()));
    }
    query = query.orderBy("createdAt", Query.Direction.DESCENDING)
        .orderBy(FieldPath.documentId(), Query.Direction.DESCENDING);
    if (page.after() != null) {
      query = query.startAfter(JobDocuments.timestamp(page.after().createdAt()), page.after().jobId());
    }
    return jobs(query, page.limit());
  }

  /** Needs the composite index (status, fingerprint, number) that Terraform declares. */
  @Override
  public List<Job> queuedWithFingerprint(String fingerprint, int limit) {
    return jobs(firestore.collection(collection)
        .whereEqualTo("status", JobStatus.QUEUED.wireName())
        .whereEqualTo("fingerprint", fingerprint)
        .orderBy("number", Query.Direction.ASCENDING), limit);
  }

  /** Needs the composite index (status, number) that Terraform declares. */
  @Override
  public List<Job> queued(int limit) {
    return jobs(firestore.collection(collection)
        .whereEqualTo("status", JobStatus.QUEUED.wireName())
        .orderBy("number", Query.Direction.ASCENDING), limit);
  }

  /**
   * One query per user, each starting after the previous user's id (a cursor on {@code userId}
   * alone passes every job of that user) and reading one document. Needs the composite index
   * (status, userId, number) that Terraform declares.
   */
  @Override
  public List<Job> firstQueuedOfEachUser(String afterUserId, int users) {
    List<Job> found = new java.util.ArrayList<>();
    String after = afterUserId;
    while (found.size() < users) {
      Query query = firestore.collection(collection)
          .whereEqualTo("status", JobStatus.QUEUED.wireName())
          .orderBy("userId", Query.Direction.ASCENDING)
          .orderBy("number", Query.Direction.ASCENDING);
      if (after != null) {
        query = query.startAfter(after);
      }
      List<Job> first = jobs(query, 1);
      if (first.isEmpty()) {
        break;
      }
      found.add(first.get(0));
      after = first.get(0).userId();
    }
    return found;
  }

  /** Needs the composite index (status, updatedAt) that Terraform declares. */
  @Override
  public List<Job> unchangedSince(JobStatus status, java.time.Instant updatedBefore, int limit) {
    return jobs(firestore.collection(collection)
        .whereEqualTo("status", status.wireName())
        .whereLessThan("updatedAt", JobDocuments.timestamp(updatedBefore))
        .orderBy("updatedAt", Query.Direction.ASCENDING), limit);
  }

  @Override
  public long count(JobStatus status) {
    return await(firestore.collection(collection).whereEqualTo("status", status.wireName()).count().get()).getCount();
  }

  /**
   * Two counts per queued job (lower numbers; equal number and lower id), every one sent before
   * any is awaited: one round trip however many jobs are asked about. Served by the index
   * {@code (status, number)}, whose implicit last field is the document id.
   */
  @Override
  public Map<String, Long> queuedAhead(Collection<Job> jobs) {
    Map<String, List<ApiFuture<AggregateQuerySnapshot>>> counts = new LinkedHashMap<>();
    for (Job job : jobs) {
      if (job.status() != JobStatus.QUEUED || counts.containsKey(job.id())) {
        continue;
      }
      Query queued = firestore.collection(collection).whereEqualTo("status", JobStatus.QUEUED.wireName());
      counts.put(job.id(), List.of(
          queued.whereLessThan("number", job.number()).count().get(),
          queued.whereEqualTo("number", job.number())
              .whereLessThan(FieldPath.documentId(), document(job.id())).count().get()));
    }
    Map<String, Long> ahead = new HashMap<>();
    counts.forEach((id, futures) -> ahead.put(id,
        futures.stream().mapToLong(future -> await(future).getCount()).sum()));
    return ahead;
  }

  /** The first {@code limit} jobs the query finds (none for a limit below one). */
  private List<Job> jobs(Query query, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return withPagedOutputs(List.copyOf(await(query.limit(limit).get()).getDocuments()));
  }

  /**
   * The jobs of these documents, each with its outputs whole: the pages of those that have any
   * ({@link JobDocuments#split}) read in one {@code getAll}, none read for the others.
   */
  List<Job> withPagedOutputs(List<? extends DocumentSnapshot> docs) {
    // A snapshot converts all of its fields each time it is asked for them: once per document here.
    List<Map<String, Object>> fields = new ArrayList<>(docs.size());
    List<DocumentReference> pages = new ArrayList<>();
    for (DocumentSnapshot doc : docs) {
      Map<String, Object> data = doc.getData();
      fields.add(data);
      pages.addAll(List.of(outputPages(doc.getId(), JobDocuments.outputPages(data))));
    }
    Map<String, List<DocumentSnapshot>> byJob = new HashMap<>();
    if (!pages.isEmpty()) {
      for (DocumentSnapshot page : await(firestore.getAll(pages.toArray(DocumentReference[]::new)))) {
        byJob.computeIfAbsent(page.getReference().getParent().getParent().getId(), id -> new ArrayList<>()).add(page);
      }
    }
    List<Job> jobs = new ArrayList<>(docs.size());
    for (int i = 0; i < docs.size(); i++) {
      String id = docs.get(i).getId();
      jobs.add(withOutputs(JobDocuments.fromFields(id, fields.get(i)), byJob.getOrDefault(id, List.of())));
    }
    return List.copyOf(jobs);
  }

  /** The job of an existing job document, its outputs whole (for listeners of the document). */
  Job read(DocumentSnapshot doc) {
    Map<String, Object> data = doc.getData();
    return JobDocuments.outputPages(data) == 0 ? JobDocuments.fromFields(doc.getId(), data)
        : withPagedOutputs(List.of(doc)).get(0);
  }

  /** {@code job} with the outputs of its {@code pages} (in page order) after its own. */
  private static Job withOutputs(Job job, List<DocumentSnapshot> pages) {
    if (pages.isEmpty()) {
      return job;
    }
    List<dev.darkroom.core.job.JobOutput> outputs = new ArrayList<>(job.outputs());
    pages.stream()
        .sorted(java.util.Comparator.comparingInt(page -> Integer.parseInt(page.getId())))
        .forEach(page -> {
          if (!page.exists()) {
            throw new IllegalStateException("job " + job.id() + " lacks its output page " + page.getId());
          }
          outputs.addAll(JobDocuments.pageOutputs(page.getData()));
        });
    return job.toBuilder().outputs(outputs).build();
  }

  private DocumentReference outputPage(String jobId, int n) {
    return document(jobId).collection(JobDocuments.OUTPUTS_COLLECTION).document(Integer.toString(n));
  }

  private DocumentReference[] outputPages(String jobId, int count) {
    DocumentReference[] pages = new DocumentReference[count];
    for (int n = 0; n < count; n++) {
      pages[n] = outputPage(jobId, n);
    }
    return pages;
  }

  private DocumentReference document(String jobId) {
    return firestore.collection(collection).document(jobId);
  }

  private DocumentReference prompt(String jobId) {
    return document(jobId).collection(JobDocuments.PROMPT_COLLECTION).document(JobDocuments.PROMPT_DOCUMENT);
  }

  /**
   * The future's value; Firestore's own exceptions unwrapped, as the callers' contracts promise,
   * and those a retry may cure (a contended transaction, an unavailable backend) translated into
   * core's {@link dev.darkroom.core.port.StoreUnavailableException}.
   */
  static <T> T await(com.google.api.core.ApiFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw GoogleErrors.translatedCause(e.getCause());
    }
  }
}
