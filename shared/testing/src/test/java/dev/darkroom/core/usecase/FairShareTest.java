package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.event.JobSubmitted;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FairShareTest {
  private final UseCaseFixture f = new UseCaseFixture();
  private final FairShare fairShare = new FairShare(f.jobs, FairShare.Limits.parse("free=1,standard=3", Integer.MAX_VALUE));

  private Job put(String id, String user, String tier, JobStatus status, double number, String model) {
    Job job = Job.queued(id, user, number, prompt(model), null, null, UseCaseFixture.NOW).toBuilder()
        .tier(tier).status(status).build();
    f.jobs.update(id, current -> Outcome.write(job, null));
    return job;
  }

  private static ObjectNode prompt(String model) {
    try {
      return (ObjectNode) new ObjectMapper().readTree(
          "{\"4\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"" + model + ".safetensors\"}}}");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aUserAtTheirTiersLimitWaitsAndOthersDoNot() {
    put("a-running", "alice", "free", JobStatus.RUNNING, 1, "sd15");
    Job alicesNext = put("a-2", "alice", "free", JobStatus.QUEUED, 2, "sd15");
    Job bobs = put("b-1", "bob", "free", JobStatus.QUEUED, 3, "sd15");

    assertThat(fairShare.atLimit(alicesNext)).isTrue();
    assertThat(fairShare.atLimit(bobs)).isFalse();
    assertThat(fairShare.order(List.of(alicesNext, bobs), null)).containsExactly(bobs);
  }

  @Test
  void aRunningJobWhoseEndIsOnItsWayNoLongerCountsAgainstTheLimit() {
    Job ending = put("a-ending", "alice", "free", JobStatus.RUNNING, 1, "sd15");
    f.jobs.update(ending.id(), current -> Outcome.write(
        current.orElseThrow().toBuilder().endingAt(UseCaseFixture.NOW).build(), null));
    Job alicesNext = put("a-2", "alice", "free", JobStatus.QUEUED, 2, "sd15");

    assertThat(fairShare.atLimit(alicesNext)).isFalse();
  }

  @Test
  void fewestRunningFirstThenTheLoadedModelsThenQueueOrder() {
    put("a-run-1", "alice", "standard", JobStatus.RUNNING, 1, "sd15");
    put("a-run-2", "alice", "standard", JobStatus.DISPATCHED, 2, "sd15");
    Job aliceOld = put("a-q", "alice", "standard", JobStatus.QUEUED, 3, "sd15");
    Job bobSdxl = put("b-sdxl", "bob", "standard", JobStatus.QUEUED, 5, "sdxl");
    Job bobSd15 = put("b-sd15", "bob", "standard", JobStatus.QUEUED, 6, "sd15");
    Job carolSdxl = put("c-sdxl", "carol", "standard", JobStatus.QUEUED, 4, "sdxl");

    // Bob and Carol run nothing: they go before Alice's older job. Among them the loaded sd15 model
    // first, then queue order.
    assertThat(fairShare.order(List.of(aliceOld, bobSdxl, bobSd15, carolSdxl), bobSd15.fingerprint()))
        .containsExactly(bobSd15, carolSdxl, bobSdxl, aliceOld);
  }

  @Test
  void dispatchLeavesAJobQueuedWhileItsUserIsAtTheLimit() {
    f.submit.submit(f.request("alice", "p-1"));
    f.submit.submit(f.request("alice", "p-2"));
    for (String id : List.of("p-1", "p-2")) {
      f.jobs.update(id, current -> Outcome.write(current.orElseThrow().toBuilder().tier("free").build(), null));
    }
    assertThat(f.dispatch.dispatch(new JobSubmitted("p-1", "alice", 1))).isEqualTo(DispatchJobs.Result.LAUNCHED);
    assertThat(f.dispatch.dispatch(new JobSubmitted("p-2", "alice", 1))).isEqualTo(DispatchJobs.Result.USER_AT_LIMIT);
    assertThat(f.jobs.get("p-2").orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    assertThat(f.launcher.launched).hasSize(1);
  }

  @Test
  void drainingTakesAnotherUsersJobBeforeMoreOfABusyUsers() {
    put("a-run", "alice", "standard", JobStatus.RUNNING, 1, "sd15");
    put("a-q", "alice", "standard", JobStatus.QUEUED, 2, "sd15");
    put("b-q", "bob", "standard", JobStatus.QUEUED, 3, "sdxl");

    List<Job> next = new DrainOrder(f.jobs, fairShare).next(Job.queued("x", "x", 0, prompt("sd15"), null, null,
        UseCaseFixture.NOW).fingerprint(), 5);
    assertThat(next).extracting(Job::id).containsExactly("b-q", "a-q");
  }

  @Test
  void drainingReadsTheRunningCountsOfAllTheQueuesUsersInOneLook() {
    put("a-run", "alice", "standard", JobStatus.RUNNING, 1, "sd15");
    put("b-run-1", "bob", "standard", JobStatus.RUNNING, 2, "sd15");
    put("b-run-2", "bob", "standard", JobStatus.DISPATCHED, 3, "sd15");
    put("a-q", "alice", "standard", JobStatus.QUEUED, 4, "sd15");
    put("b-q", "bob", "standard", JobStatus.QUEUED, 5, "sd15");
    put("c-q", "carol", "standard", JobStatus.QUEUED, 6, "sd15");
    put("d-q", "dave", "free", JobStatus.QUEUED, 7, "sd15");
    List<String> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.darkroom.core.port.JobStore counting = (dev.darkroom.core.port.JobStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.darkroom.core.port.JobStore.class}, (proxy, method, args) -> {
          reads.add(method.getName());
          try {
            return method.invoke(f.jobs, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });

    List<Job> next = new DrainOrder(counting, new FairShare(counting, FairShare.Limits.parse("free=1,standard=3",
        Integer.MAX_VALUE))).next(null, 10);

    assertThat(next).extracting(Job::id).containsExactly("c-q", "d-q", "a-q", "b-q");
    assertThat(reads).as("the queue, then every user's running count at once").containsExactly("queued", "listForUsers");
  }

  @Test
  void limitsParseTierEqualsNumberAndRefuseAnythingElse() {
    FairShare.Limits limits = FairShare.Limits.parse(" free=1, pro = 16 ,", 7);
    assertThat(limits.byTier()).isEqualTo(Map.of("free", 1, "pro", 16));
    assertThat(limits.of("standard")).isEqualTo(7);
    assertThat(FairShare.Limits.parse("", Integer.MAX_VALUE).of("free")).isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> FairShare.Limits.parse("free", 1)).hasMessageContaining("not tier=number");
    assertThatThrownBy(() -> FairShare.Limits.parse("free=many", 1)).hasMessageContaining("not a number");
    assertThatThrownBy(() -> FairShare.Limits.parse("free=0", 1)).hasMessageContaining("at least 1");
  }
}
