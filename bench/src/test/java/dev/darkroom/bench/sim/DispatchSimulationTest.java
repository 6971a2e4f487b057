package dev.darkroom.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator's accounting on traces small enough to work out by hand: cold start 10 s, no
 * dispatch delay, model load 5 s, one image 2 s, one GPU unless said otherwise.
 */
class DispatchSimulationTest {
  private static final CostModel COST = new CostModel(10_000, 0, 0.001);
  private static final Workflow A = new Workflow("a", "a.safetensors", 5_000, 2_000);
  private static final Workflow B = new Workflow("b", "b.safetensors", 5_000, 2_000);

  /** Two prompts of the same workflow, at 0 s and 1 s. */
  private static final Trace SAME = new Trace("same", 60_000, List.of(
      new Trace.Arrival(0, A), new Trace.Arrival(1_000, A)));
  /** Prompts of two workflows, at 0 s and 1 s. */
  private static final Trace TWO_MODELS = new Trace("two", 60_000, List.of(
      new Trace.Arrival(0, A), new Trace.Arrival(1_000, B)));

  private static SimResult tasks(Trace trace, int cap, long drainIdleMillis) {
    return new TaskSimulation(new TaskSimulation.Settings("t", cap, drainIdleMillis), COST, trace).run();
  }

  @Test
  void onePerPromptPaysAColdStartAndALoadPerImageAndQueuesPastTheCap() {
    // First task 0..17 s (boot 10, load 5, image 2). The second prompt is refused at 1 s, launched when
    // the first task exits at 17 s, claimed at 27 s, done at 34 s.
    SimResult r = tasks(SAME, 1, 0);

    assertThat(r.tasks()).isEqualTo(2);
    assertThat(r.billedMillis()).isEqualTo(17_000 + 17_000);
    assertThat(r.waitMillis()).containsExactly(10_000L, 26_000L);
    assertThat(r.doneMillis()).containsExactly(17_000L, 33_000L);
    assertThat(r.gpuSecondsPerImage()).isEqualTo(17.0);
    assertThat(r.dollarsPer1000Images(COST)).isEqualTo(17.0);
    assertThat(r.modelLoads()).isEqualTo(2);
    assertThat(r.modelLoadMillis()).isEqualTo(10_000);
    assertThat(r.modelLoadShare()).isCloseTo(10.0 / 34, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aSlowerModelMountScalesEveryLoadAndOnlyTheLoads() {
    // Loads take 2 x 5 s: each task 10 + 10 + 2 = 22 s; the second is launched at 22 s, claimed at 32 s.
    CostModel slowMount = new CostModel(10_000, 0, 0.001, 2.0);
    SimResult r = new TaskSimulation(new TaskSimulation.Settings("t", 1, 0), slowMount, SAME).run();

    assertThat(r.billedMillis()).isEqualTo(22_000 + 22_000);
    assertThat(r.modelLoadMillis()).isEqualTo(20_000);
    assertThat(r.doneMillis()).containsExactly(22_000L, 43_000L);
    assertThat(slowMount.modelLoadMillis(A)).isEqualTo(10_000);
  }

  @Test
  void darkroomDrainsTheSameModelThenIdlesForTheDrainTime() {
    // The refused prompt is drained at 17 s with the model loaded (2 s); then 60 s of looks find nothing.
    SimResult r = tasks(SAME, 1, 60_000);

    assertThat(r.tasks()).isEqualTo(1);
    assertThat(r.billedMillis()).isEqualTo(19_000 + 60_000);
    assertThat(r.waitMillis()).containsExactly(10_000L, 16_000L);
    assertThat(r.doneMillis()).containsExactly(17_000L, 18_000L);
    assertThat(r.modelLoads()).as("the drained job found its model loaded").isEqualTo(1);
    assertThat(r.modelLoadsPerImage()).isEqualTo(0.5);
  }

  @Test
  void aDrainingTaskTakesAnotherModelPayingItsLoadInsteadOfAColdStart() {
    // At 17 s the draining task claims B and loads its model (5 s + 2 s): done at 24 s, idle until 84 s.
    SimResult r = tasks(TWO_MODELS, 1, 60_000);

    assertThat(r.tasks()).isEqualTo(1);
    assertThat(r.billedMillis()).isEqualTo(84_000);
    assertThat(r.waitMillis()).containsExactly(10_000L, 16_000L);
    assertThat(r.doneMillis()).containsExactly(17_000L, 23_000L);
    assertThat(r.modelLoads()).isEqualTo(2);
  }

  @Test
  void dispatchLeavesWorkToAnIdleTaskAndLaunchesOnlyForWhatIdleTasksCannotTake() {
    // B arrives at 30 s while task 1 idles (looks at 29 s, 31 s): no launch; claimed at 31 s, done at 38 s.
    Trace later = new Trace("later", 60_000, List.of(new Trace.Arrival(0, A), new Trace.Arrival(30_000, B)));
    SimResult leave = tasks(later, 2, 60_000);

    assertThat(leave.tasks()).isEqualTo(1);
    assertThat(leave.waitMillis()).containsExactly(10_000L, 1_000L);
    assertThat(leave.billedMillis()).isEqualTo(38_000 + 60_000);

    // Two at 30 s: two queued jobs, one idle task. The first launches (a 10 s cold start); the
    // second is left to the idle task, which claims it at its 31 s look.
    Trace two = new Trace("two later", 60_000, List.of(new Trace.Arrival(0, A), new Trace.Arrival(30_000, B),
        new Trace.Arrival(30_000, B)));
    SimResult burst = tasks(two, 2, 60_000);

    assertThat(burst.tasks()).isEqualTo(2);
    assertThat(burst.waitMillis()).containsExactlyInAnyOrder(10_000L, 1_000L, 10_000L);
  }

  @Test
  void thePoolIsBilledForTheWholeTraceAndLoadsAModelOnlyWhenItChanges() {
    // Claims at 0 s (load 5 + image 2) and at 7 s (model loaded: 2 s); billed 60 s, the trace's length.
    SimResult r = new PoolSimulation(1, COST, SAME).run();

    assertThat(r.billedMillis()).isEqualTo(60_000);
    assertThat(r.waitMillis()).containsExactly(0L, 6_000L);
    assertThat(r.doneMillis()).containsExactly(7_000L, 8_000L);
  }

  @Test
  void percentilesAreNearestRank() {
    List<Long> values = List.of(5L, 1L, 4L, 2L, 3L);
    assertThat(SimResult.percentile(values, 0.5)).isEqualTo(3);
    assertThat(SimResult.percentile(values, 0.95)).isEqualTo(5);
    assertThat(SimResult.percentile(values, 0.2)).isEqualTo(1);
  }
}
