package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.darkroom.core.deployment.Deployment;
import dev.darkroom.core.deployment.DeploymentInput;
import dev.darkroom.core.deployment.DeploymentVersion;
import dev.darkroom.core.deployment.InputType;
import dev.darkroom.core.port.DeploymentStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeploymentStore} must do, the in-memory fake and the Firestore adapter alike.
 * Each test uses a fresh user, so stores may be shared.
 */
public abstract class DeploymentStoreContract {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final List<DeploymentInput> INPUTS = List.of(
      new DeploymentInput("prompt", "6", "text", InputType.STRING, "what to draw", new TextNode("a cat"), null, null,
          null, false),
      new DeploymentInput("seed", "3", "seed", InputType.SEED, null, null, 0.0, 1e12, null, false),
      new DeploymentInput("sampler", "3", "sampler_name", InputType.CHOICE, null, null, null, null,
          List.of("euler", "dpmpp_2m"), true),
      new DeploymentInput("steps", "3", "steps", InputType.INTEGER, null, new IntNode(20), 1.0, 150.0, null, false));

  protected abstract DeploymentStore store();

  private static String user() {
    return "user-" + UUID.randomUUID();
  }

  private static ObjectNode workflow(String text) throws Exception {
    return (ObjectNode) new ObjectMapper().readTree("{\"3\":{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":"
        + "18446744073709551615,\"cfg\":7.5,\"sampler_name\":\"euler\",\"model\":[\"4\",0]}},"
        + "\"6\":{\"class_type\":\"CLIPTextEncode\",\"inputs\":{\"text\":\"" + text + "\"}}}");
  }

  private static DeploymentStore.Added.Stored stored(DeploymentStore.Added added) {
    assertThat(added).isInstanceOf(DeploymentStore.Added.Stored.class);
    return (DeploymentStore.Added.Stored) added;
  }

  @Test
  void theFirstVersionIsOneAndReadsBackAsWritten() throws Exception {
    DeploymentStore store = store();
    String user = user();
    var added = stored(store.addVersion(user, "portrait", workflow("v1"), INPUTS, T0, 10, 10));
    assertThat(added.version().version()).isEqualTo(1);
    assertThat(added.deployment()).isEqualTo(new Deployment(user, "portrait", 1, 0, false, T0, T0));
    assertThat(added.deployment().defaultVersion()).isEqualTo(1);
    DeploymentVersion read = store.version(user, "portrait", 1).orElseThrow();
    assertThat(read.workflow()).isEqualTo(workflow("v1"));
    assertThat(read.inputs()).isEqualTo(INPUTS);
    assertThat(read.createdAt()).isEqualTo(T0);
    assertThat(store.find(user, "portrait")).contains(added.deployment());
    assertThat(store.version(user, "portrait", 2)).isEmpty();
  }

  @Test
  void aVersionsMaximumRunTimeReadsBackAndAVersionWithoutOneHasNone() throws Exception {
    DeploymentStore store = store();
    String user = user();
    var limited = stored(store.addVersion(user, "portrait", workflow("v1"), INPUTS, 300L, T0, 10, 10));
    store.addVersion(user, "portrait", workflow("v2"), INPUTS, T0, 10, 10);
    assertThat(limited.version().maxRunSeconds()).isEqualTo(300L);
    assertThat(store.version(user, "portrait", 1).orElseThrow().maxRunSeconds()).isEqualTo(300L);
    assertThat(store.version(user, "portrait", 2).orElseThrow().maxRunSeconds()).isNull();
  }

  @Test
  void laterVersionsAreNumberedInTurnAndEarlierOnesStayAsTheyWere() throws Exception {
    DeploymentStore store = store();
    String user = user();
    store.addVersion(user, "portrait", workflow("v1"), INPUTS, T0, 10, 10);
    Instant later = T0.plus(1, ChronoUnit.HOURS);
    var second = stored(store.addVersion(user, "portrait", workflow("v2"), INPUTS.subList(0, 1), later, 10, 10));
    assertThat(second.version().version()).isEqualTo(2);
    assertThat(second.deployment()).isEqualTo(new Deployment(user, "portrait", 2, 0, false, T0, later));
    assertThat(store.version(user, "portrait", 1).orElseThrow().workflow()).isEqualTo(workflow("v1"));
    assertThat(store.version(user, "portrait", 1).orElseThrow().inputs()).isEqualTo(INPUTS);
    assertThat(store.version(user, "portrait", 2).orElseThrow().inputs()).isEqualTo(INPUTS.subList(0, 1));
  }

  @Test
  void aDeploymentIsItsOwnersOnly() throws Exception {
    DeploymentStore store = store();
    String alice = user();
    String bob = user();
    store.addVersion(alice, "portrait", workflow("a"), INPUTS, T0, 10, 10);
    assertThat(store.find(bob, "portrait")).isEmpty();
    assertThat(store.version(bob, "portrait", 1)).isEmpty();
    assertThat(store.list(bob)).isEmpty();
    assertThat(store.pin(bob, "portrait", 1, T0)).isEmpty();
    assertThat(store.archive(bob, "portrait", T0)).isEmpty();
    var bobs = stored(store.addVersion(bob, "portrait", workflow("b"), INPUTS, T0, 10, 10));
    assertThat(bobs.version().version()).isEqualTo(1);
    assertThat(store.version(alice, "portrait", 1).orElseThrow().workflow()).isEqualTo(workflow("a"));
  }

  @Test
  void theListIsTheLiveDeploymentsByName() throws Exception {
    DeploymentStore store = store();
    String user = user();
    store.addVersion(user, "zebra", workflow("z"), INPUTS, T0, 10, 10);
    store.addVersion(user, "apple", workflow("a"), INPUTS, T0, 10, 10);
    store.addVersion(user, "gone", workflow("g"), INPUTS, T0, 10, 10);
    store.archive(user, "gone", T0);
    assertThat(store.list(user)).extracting(Deployment::name).containsExactly("apple", "zebra");
  }

  @Test
  void aPinnedVersionIsTheDefaultAndOnlyAnExistingVersionCanBePinned() throws Exception {
    DeploymentStore store = store();
    String user = user();
    store.addVersion(user, "portrait", workflow("v1"), INPUTS, T0, 10, 10);
    store.addVersion(user, "portrait", workflow("v2"), INPUTS, T0, 10, 10);
    Instant later = T0.plusSeconds(5);
    assertThat(store.pin(user, "portrait", 1, later).orElseThrow().defaultVersion()).isEqualTo(1);
    assertThat(store.pin(user, "portrait", 3, later)).isEmpty();
    assertThat(store.pin(user, "portrait", 0, later)).isEmpty();
    var third = stored(store.addVersion(user, "portrait", workflow("v3"), INPUTS, later, 10, 10));
    assertThat(third.deployment().defaultVersion()).as("a pin outlives new versions").isEqualTo(1);
    assertThat(store.find(user, "portrait").orElseThrow().pinnedVersion()).isEqualTo(1);
  }

  @Test
  void anArchivedDeploymentIsFoundAsArchivedAndPublishingRevivesItWithTheNextNumber() throws Exception {
    DeploymentStore store = store();
    String user = user();
    store.addVersion(user, "portrait", workflow("v1"), INPUTS, T0, 10, 10);
    assertThat(store.archive(user, "portrait", T0.plusSeconds(1)).orElseThrow().archived()).isTrue();
    assertThat(store.find(user, "portrait").orElseThrow().archived()).isTrue();
    var revived = stored(store.addVersion(user, "portrait", workflow("v2"), INPUTS, T0.plusSeconds(2), 10, 10));
    assertThat(revived.version().version()).isEqualTo(2);
    assertThat(revived.deployment().archived()).isFalse();
  }

  @Test
  void theLimitsOnDeploymentsAndVersionsHold() throws Exception {
    DeploymentStore store = store();
    String user = user();
    store.addVersion(user, "one", workflow("1"), INPUTS, T0, 2, 2);
    store.addVersion(user, "two", workflow("2"), INPUTS, T0, 2, 2);
    assertThat(store.addVersion(user, "three", workflow("3"), INPUTS, T0, 2, 2))
        .isEqualTo(new DeploymentStore.Added.TooManyDeployments(2));
    stored(store.addVersion(user, "one", workflow("1b"), INPUTS, T0, 2, 2));
    assertThat(store.addVersion(user, "one", workflow("1c"), INPUTS, T0, 2, 2))
        .isEqualTo(new DeploymentStore.Added.TooManyVersions(2));
    store.archive(user, "two", T0);
    stored(store.addVersion(user, "three", workflow("3"), INPUTS, T0, 2, 2));
  }

  @Test
  void concurrentPublishesGetDistinctNumbers() throws Exception {
    DeploymentStore store = store();
    String user = user();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<DeploymentStore.Added>> futures = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String text = "c" + i;
        futures.add(pool.submit(() -> store.addVersion(user, "busy", workflow(text), INPUTS, T0, 10, 10)));
      }
      Set<Integer> numbers = new HashSet<>();
      for (Future<DeploymentStore.Added> future : futures) {
        numbers.add(stored(future.get()).version().version());
      }
      assertThat(numbers).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
      assertThat(store.find(user, "busy").orElseThrow().latestVersion()).isEqualTo(6);
    } finally {
      pool.shutdownNow();
    }
  }
}
