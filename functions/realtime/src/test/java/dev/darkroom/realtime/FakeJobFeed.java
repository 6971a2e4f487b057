package dev.darkroom.realtime;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.port.JobFeed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** Job documents in memory; {@link #put} reports a change to the subscriptions it matches, synchronously. */
class FakeJobFeed implements JobFeed {
  private record ClientSub(String userId, String clientId, JobsListener listener) {}

  private record QueueSub(String userId, QueueListener listener) {}

  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final List<ClientSub> clientSubs = new CopyOnWriteArrayList<>();
  private final List<QueueSub> queueSubs = new CopyOnWriteArrayList<>();
  /** Client subscriptions whose first snapshot is held back, as a slow listener's is; null: none held. */
  private List<ClientSub> unsynced;

  /** From now on a client subscription's first snapshot waits for {@link #syncHeldSnapshots}. */
  void holdFirstSnapshots() {
    unsynced = new ArrayList<>();
  }

  /** Each held subscription gets its first snapshot, of the jobs as they are now, and changes after. */
  void syncHeldSnapshots() {
    List<ClientSub> held = unsynced;
    unsynced = null;
    for (ClientSub sub : held) {
      clientSubs.add(sub);
      sub.listener().current(jobs.values().stream()
          .filter(j -> j.userId().equals(sub.userId()) && sub.clientId().equals(j.clientId())).toList());
    }
  }

  @Override
  public Subscription jobsOfClient(String userId, String clientId, JobsListener listener) {
    ClientSub sub = new ClientSub(userId, clientId, listener);
    if (unsynced != null) {
      unsynced.add(sub);
      return () -> unsynced.remove(sub);
    }
    clientSubs.add(sub);
    listener.current(jobs.values().stream()
        .filter(j -> j.userId().equals(userId) && clientId.equals(j.clientId())).toList());
    return () -> clientSubs.remove(sub);
  }

  /** Not used by the gateway. */
  @Override
  public Subscription job(String jobId, JobsListener listener) {
    throw new UnsupportedOperationException("the gateway follows clients' jobs, not single jobs");
  }

  @Override
  public Subscription unfinishedJobsOf(String userId, QueueListener listener) {
    QueueSub sub = new QueueSub(userId, listener);
    queueSubs.add(sub);
    listener.unfinished(unfinished(userId));
    return () -> queueSubs.remove(sub);
  }

  /** Stores the job, then reports it: to its client's subscriptions first, then to its user's queue. */
  void put(Job job) {
    jobs.put(job.id(), job);
    for (ClientSub sub : new ArrayList<>(clientSubs)) {
      if (sub.userId().equals(job.userId()) && sub.clientId().equals(job.clientId())) {
        sub.listener().changed(job);
      }
    }
    for (QueueSub sub : new ArrayList<>(queueSubs)) {
      if (sub.userId().equals(job.userId())) {
        sub.listener().unfinished(unfinished(job.userId()));
      }
    }
  }

  int subscriptions() {
    return clientSubs.size() + queueSubs.size();
  }

  private Set<String> unfinished(String userId) {
    Set<String> ids = new LinkedHashSet<>();
    jobs.values().stream().filter(j -> j.userId().equals(userId) && !j.status().isTerminal())
        .forEach(j -> ids.add(j.id()));
    return ids;
  }
}
