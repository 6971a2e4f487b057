package dev.darkroom.core.warm;

import dev.darkroom.core.port.GpuPool;
import dev.darkroom.core.port.WarmSignals;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Whether a GPU task that has nothing to run stays up, waiting for the next prompt, or exits. Asked
 * by a draining task (the runner, and the dispatch simulation on the same code) each time it looks
 * for work and finds none. In order:
 * <ol>
 *   <li><b>Queued work first.</b> Jobs are queued and every slot of the pool is held: an idle task
 *       that could not claim them (their users are at their limit) gives its slot back, so that
 *       dispatch can launch what they need. Even a pinned task leaves.
 *   <li><b>Pinned.</b> The operator's {@link WarmSchedule} asks for N tasks now and the pool holds
 *       no more than N: the task stays, whatever the budget says (the operator asked for it).
 *   <li><b>Budget.</b> Tasks have spent the day's idle budget (GPU-seconds, UTC day), less what the
 *       tasks up may spend before they ask again: it leaves.
 *   <li><b>Traffic.</b> The tasks worth keeping warm ({@link #warmFor}) from the recent arrival
 *       rate: with the pool holding no more than that, the task stays.
 *   <li><b>Grace.</b> Otherwise it stays until it has waited {@code grace}, then leaves.
 * </ol>
 *
 * <p>The rate is read over two windows: the short one ({@code recentWindow}, minutes) sizes the
 * warm set ({@link #warmFor}: one more task while it spares enough prompts a wait for its price);
 * the long one ({@code quietWindow}) keeps a single task warm
 * through a quiet spell as long as any prompt came within it. Both forget traffic that stopped
 * within their length, so what a stop costs is bounded: {@code quietWindow} of one task, plus
 * {@code recentWindow} of the rest, and never more than the budget.
 */
public final class KeepWarm {

  /**
   * @param idleBudgetSecondsPerDay idle GPU-seconds all tasks together may spend a day (UTC),
   *     outside pinned windows; 0 keeps nothing warm for traffic
   * @param schedule the operator's pinned warm tasks
   * @param grace how long any task waits for more work before the traffic decides (the runner's
   *     {@code DRAIN_IDLE_SECONDS}: about one cold start, so that waiting never costs more than
   *     twice the best choice in hindsight), budget permitting
   * @param recentWindow the arrivals that size the warm set
   * @param quietWindow how long after the last prompt one task stays warm
   * @param secondsPerWaitSpared the idle GPU-seconds worth sparing one prompt a wait (a cold start,
   *     or a busy task's remaining time): the price that sizes the warm set
   */
  public record Settings(double idleBudgetSecondsPerDay, WarmSchedule schedule, Duration grace,
      Duration recentWindow, Duration quietWindow, double secondsPerWaitSpared) {
    public Settings {
      if (idleBudgetSecondsPerDay < 0) {
        throw new IllegalArgumentException("the idle budget cannot be negative: " + idleBudgetSecondsPerDay);
      }
      if (secondsPerWaitSpared < 0) {
        throw new IllegalArgumentException("the price of a spared wait cannot be negative: " + secondsPerWaitSpared);
      }
    }

    /** The defaults, with the deployment's budget and schedule. */
    public static Settings of(double idleBudgetSecondsPerDay, WarmSchedule schedule, Duration grace) {
      return new Settings(idleBudgetSecondsPerDay, schedule, grace, DEFAULT_RECENT_WINDOW, DEFAULT_QUIET_WINDOW,
          DEFAULT_SECONDS_PER_WAIT_SPARED);
    }
  }

  /**
   * Fifteen minutes, read minute by minute ({@link ArrivalRate}): 90 prompts at 0.1/s, where two
   * minutes gave a dozen and an estimate that swung between two and five warm tasks; a burst fills
   * a minute or two of it and is counted as busy minutes, so its tasks are still let go when it ends.
   */
  public static final Duration DEFAULT_RECENT_WINDOW = Duration.ofMinutes(15);
  /** Twenty minutes: a prompt every few minutes keeps one task up; a stopped trickle costs at most this. */
  public static final Duration DEFAULT_QUIET_WINDOW = Duration.ofMinutes(20);
  /**
   * 280 idle GPU-seconds (about 8 cents) to spare one prompt a wait: on the dispatch simulation, the
   * price at which the steady trace keeps the p95 wait within twice an always-on pool's at 0.8x the
   * GPU-seconds of one execution per prompt and the bursty trace stays as cheap as without the
   * policy (260: bursty waits longer; 300: steady costs 0.81x). docs/DISPATCH_SIMULATION.md.
   */
  public static final double DEFAULT_SECONDS_PER_WAIT_SPARED = 280;
  /**
   * Ten seconds: how long a task the traffic does not need waits before it leaves. The rate
   * estimate decides; the grace only spares a task whose count flickers at a boundary. Shorter
   * than the runner's fixed {@code DRAIN_IDLE_SECONDS} (60 s), which has no estimate to go by: on
   * the dispatch simulation's bursty trace the tasks a burst launched otherwise idle a minute each
   * after it (docs/DISPATCH_SIMULATION.md).
   */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
  /**
   * How often a waiting task asks again; between decisions it keeps the last one. Reading the
   * signals costs a few reads; asking every look (twice a second) would multiply them for nothing.
   */
  public static final Duration DECIDE_EVERY = Duration.ofSeconds(5);
  /**
   * How often a warm task looks for queued work. A prompt waits for the next look, so this is most
   * of a warm prompt's wait: at 0.5 s, under the 1 s it takes an always-on pool's dispatch to reach
   * it. Each look is two small Firestore queries, a fraction of a cent a day per warm task.
   */
  public static final Duration WARM_POLL = Duration.ofMillis(500);

  /**
   * The moment of the question.
   *
   * @param idleFor how long this task has waited since its last job
   * @param pool the GPU pool's usage, this task included
   * @param queued jobs queued now (those the task could not claim)
   * @param typicalJob how long a job holds a task, model load included (the task's own average)
   */
  public record Situation(Instant now, Duration idleFor, GpuPool.Usage pool, long queued, Duration typicalJob) {}

  public enum Reason {
    QUEUED_WORK_NEEDS_THE_SLOT, PINNED, BUDGET_SPENT, TRAFFIC, GRACE, NOT_NEEDED;

    /** The word logs and metrics use. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * @param warmWanted how many tasks the policy wants up now (pinned or for traffic)
   * @param idleSpentToday idle GPU-seconds spent today, before this decision
   */
  public record Decision(boolean stay, Reason reason, int warmWanted, double arrivalsPerSecond,
      double idleSpentToday, double idleBudget) {}

  private final Settings settings;
  private final WarmSignals signals;
  private final ArrivalRate arrivals;

  public KeepWarm(Settings settings, WarmSignals signals) {
    this.settings = settings;
    this.signals = signals;
    this.arrivals = new ArrivalRate(signals, settings.recentWindow(), settings.quietWindow());
  }

  public Settings settings() {
    return settings;
  }

  public Decision decide(Situation situation) {
    Instant now = situation.now();
    GpuPool.Usage pool = situation.pool();
    int pinned = Math.min(settings.schedule().pinnedAt(now), pool.cap());
    double spent = signals.idleSecondsOn(utcDay(now));
    double budget = settings.idleBudgetSecondsPerDay();
    if (situation.queued() > 0 && pool.free() == 0) {
      return new Decision(false, Reason.QUEUED_WORK_NEEDS_THE_SLOT, pinned, 0, spent, budget);
    }
    if (pinned > 0 && pool.held() <= pinned) {
      return new Decision(true, Reason.PINNED, pinned, 0, spent, budget);
    }
    // Tasks count their idle time when they ask, so until the next round of questions every task
    // up may spend up to DECIDE_EVERY more: that much is kept back, so the day ends within the budget.
    double reserve = seconds(DECIDE_EVERY) * pool.held();
    if (spent + reserve >= budget) {
      return new Decision(false, Reason.BUDGET_SPENT, pinned, 0, spent, budget);
    }
    ArrivalRate.Estimate rate = arrivals.at(now);
    // The fleet's typical job when the ledger gave one, so that every task, dispatch and the
    // reconciler size the warm set alike; the task's own before that.
    Duration typicalJob = arrivals.typicalJob(now).orElse(situation.typicalJob());
    int wanted = Math.max(pinned, forTraffic(now, rate, typicalJob, pool.cap()));
    if (pool.held() <= wanted) {
      return new Decision(true, Reason.TRAFFIC, wanted, rate.perSecond(), spent, budget);
    }
    boolean inGrace = situation.idleFor().compareTo(settings.grace()) < 0;
    return new Decision(inGrace, inGrace ? Reason.GRACE : Reason.NOT_NEEDED, wanted, rate.perSecond(), spent, budget);
  }

  /**
   * How many tasks the policy wants up now, idle or busy: the pinned ones, or more for the traffic
   * while the day's idle budget lasts (what {@link #decide} keeps warm). Reconcile tops the warm set
   * up to it, and dispatch counts on it before launching for a prompt that warm tasks will take.
   *
   * @param typicalJob how long a job holds a task, model load included
   */
  public int wanted(Instant now, GpuPool.Usage pool, Duration typicalJob) {
    int pinned = Math.min(settings.schedule().pinnedAt(now), pool.cap());
    double reserve = seconds(DECIDE_EVERY) * pool.held();
    if (signals.idleSecondsOn(utcDay(now)) + reserve >= settings.idleBudgetSecondsPerDay()) {
      return pinned;
    }
    return Math.max(pinned, forTraffic(now, arrivals.at(now), typicalJob, pool.cap()));
  }

  /**
   * {@link #wanted} for callers that run no job themselves (dispatch, the reconciler), with the
   * fleet's typical job: {@link TypicalJob#BEFORE_ANY} until the signals carry a measured one.
   */
  public WarmTarget target() {
    return (now, pool) -> wanted(now, pool, arrivals.typicalJob(now).orElse(TypicalJob.BEFORE_ANY));
  }

  /**
   * The tasks worth keeping up for the traffic {@code rate} estimates. Without usual traffic to go
   * by, one task stays through a quiet spell while any prompt came within {@code quietWindow}; with
   * it, the price of a spared wait decides the quiet hours as it does the busy ones.
   */
  private int forTraffic(Instant now, ArrivalRate.Estimate rate, Duration typicalJob, int cap) {
    int forTraffic = warmFor(rate.perSecond(), seconds(typicalJob), settings.secondsPerWaitSpared(), cap);
    if (forTraffic == 0 && cap > 0 && !rate.usualHolds() && arrivals.anySince(now.minus(settings.quietWindow()))) {
      forTraffic = 1;
    }
    return forTraffic;
  }

  /** The most of a warm task's claim window {@link #staggered} cuts: a tenth. */
  public static final double STAGGER = 0.1;

  /**
   * A warm task's claim window, cut by up to {@link #STAGGER} of it, by the task's name. Tasks
   * launched together (a top-up, a burst) would otherwise all reach their deadline at once and
   * leave together, and every prompt in the next cold start would wait (the dispatch simulation's
   * steady trace showed it 50 minutes in); spread over minutes, each is replaced by a top-up while
   * the others serve. The same name always gets the same cut.
   */
  public static Duration staggered(Duration claimWindow, String taskName) {
    double fraction = new java.util.SplittableRandom(taskName.hashCode()).nextDouble();
    return claimWindow.minusMillis(Math.round(claimWindow.toMillis() * STAGGER * fraction));
  }

  /** A task spent {@code idle} waiting, ending {@code at}: it counts against that UTC day's budget. */
  public void spentIdle(Instant at, Duration idle) {
    if (!idle.isNegative() && !idle.isZero()) {
      signals.addIdleSeconds(at, seconds(idle));
    }
  }

  /**
   * How many tasks are worth keeping up for {@code arrivalsPerSecond} prompts of {@code jobSeconds}
   * each: one more while those up cannot keep up with the load, then one more while it spares
   * more than one wait per {@code secondsPerWaitSpared} of its time.
   * A prompt waits when it finds every one of k tasks busy, with Erlang's delay formula C(k, a) at
   * offered load a = arrivals × job seconds (the loss formula B(k, a) by its recurrence, then C);
   * the k-th task spares arrivals × (C(k−1) − C(k)) waits a second. So busy hours get more warm
   * tasks than quiet ones for the same price of a spared wait. Zero with no arrivals; at most
   * {@code cap}.
   */
  public static int warmFor(double arrivalsPerSecond, double jobSeconds, double secondsPerWaitSpared, int cap) {
    if (arrivalsPerSecond <= 0 || jobSeconds <= 0) {
      return 0;
    }
    double load = arrivalsPerSecond * jobSeconds;
    int k = 0;
    // Tasks that cannot keep up (k <= load) make every prompt wait: one more is always worth it.
    while (k < cap && (k <= load || arrivalsPerSecond * (waitProbability(k, load) - waitProbability(k + 1, load))
        * secondsPerWaitSpared > 1)) {
      k++;
    }
    return k;
  }

  /** Erlang C: the chance that a prompt finds all {@code tasks} busy under {@code load}; 1 if they cannot keep up. */
  static double waitProbability(int tasks, double load) {
    if (tasks <= load) {
      return 1;
    }
    double blocked = 1;
    for (int k = 1; k <= tasks; k++) {
      blocked = load * blocked / (k + load * blocked);
    }
    return tasks * blocked / (tasks - load * (1 - blocked));
  }

  static LocalDate utcDay(Instant at) {
    return at.atOffset(ZoneOffset.UTC).toLocalDate();
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
