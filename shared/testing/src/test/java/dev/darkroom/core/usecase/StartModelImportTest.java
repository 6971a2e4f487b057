package dev.darkroom.core.usecase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.models.ModelImports;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.notify.OutboundUrlPolicy;
import dev.darkroom.testing.InMemoryModelStore;
import dev.darkroom.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Starting an import on fakes: validation, one job per (folder, name, url), the token sealed. */
class StartModelImportTest {
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final String URL = "https://hub.example.com/org/repo/resolve/main/ink.safetensors";
  private static final String TOKEN = "hf_NeverInClear";

  private final ManualClock clock = new ManualClock(NOW);
  private final InMemoryModelStore models = new InMemoryModelStore();
  private final List<String> launches = new ArrayList<>();
  private RuntimeException launchFailure;
  /** Every host resolves to a public address, but *.internal.test to a private one. */
  private final OutboundUrlPolicy cloudPolicy = new OutboundUrlPolicy(false, host -> new InetAddress[] {
      InetAddress.getByAddress(host, host.endsWith(".internal.test") ? new byte[] {10, 1, 2, 3}
          : new byte[] {93, (byte) 184, (byte) 215, 14})});

  private StartModelImport imports(OutboundUrlPolicy policy) {
    return new StartModelImport(models, (folder, name, importId) -> {
      if (launchFailure != null) {
        throw launchFailure;
      }
      launches.add(folder + "/" + name + "#" + importId);
      return "executions/e" + launches.size();
    }, policy, (token, boundTo) -> "sealed(" + boundTo + "," + new StringBuilder(token).reverse() + ")", clock);
  }

  private static StartModelImport.Request request(String url) {
    return new StartModelImport.Request(url, "loras", "style/ink.safetensors", null, TOKEN);
  }

  @Test
  void anImportIsRecordedImportingWithItsLaunchAndTheTokenSealedForIt() {
    StartModelImport.Result result = imports(cloudPolicy).start(request(URL), "admin-1");

    assertThat(result).isInstanceOf(StartModelImport.Result.Accepted.class);
    assertThat(((StartModelImport.Result.Accepted) result).launched()).isTrue();
    ModelRecord stored = models.get("loras", "style/ink.safetensors").orElseThrow();
    String id = ModelImports.importId("loras", "style/ink.safetensors", URL);
    assertThat(stored.state()).isEqualTo(State.IMPORTING);
    assertThat(stored.generation()).isZero();
    assertThat(stored.addedBy()).isEqualTo("admin-1");
    assertThat(stored.imported().id()).isEqualTo(id);
    assertThat(stored.imported().execution()).isEqualTo("executions/e1");
    assertThat(stored.imported().sealedToken()).isEqualTo("sealed(" + id + ",raelCnIreveN_fh)");
    assertThat(stored.toString()).doesNotContain(TOKEN);
    assertThat(request(URL).toString()).doesNotContain(TOKEN);
    assertThat(launches).containsExactly("loras/style/ink.safetensors#" + id);
  }

  @Test
  void theSameRequestAgainStartsNoSecondJobButAnotherUrlConflicts() {
    imports(cloudPolicy).start(request(URL), "admin-1");
    StartModelImport.Result again = imports(cloudPolicy).start(request(URL), "admin-2");
    StartModelImport.Result other = imports(cloudPolicy).start(request(URL + "?revision=2"), "admin-1");

    assertThat(again).isInstanceOf(StartModelImport.Result.Accepted.class);
    assertThat(((StartModelImport.Result.Accepted) again).launched()).isFalse();
    assertThat(((StartModelImport.Result.Accepted) again).model().addedBy()).isEqualTo("admin-1");
    assertThat(other).isInstanceOf(StartModelImport.Result.Conflict.class);
    assertThat(launches).hasSize(1);
  }

  @Test
  void aFailedImportOrOneWhoseLaunchWasNeverRecordedIsStartedAgain() {
    launchFailure = new IllegalStateException("quota exhausted");
    StartModelImport.Result notStarted = imports(cloudPolicy).start(request(URL), "admin-1");
    assertThat(notStarted).isInstanceOf(StartModelImport.Result.NotStarted.class);
    ModelRecord failed = models.get("loras", "style/ink.safetensors").orElseThrow();
    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.reason()).contains("quota exhausted");
    assertThat(failed.imported().sealedToken()).isNull();

    launchFailure = null;
    assertThat(imports(cloudPolicy).start(request(URL), "admin-1")).isInstanceOf(StartModelImport.Result.Accepted.class);
    assertThat(launches).hasSize(1);

    // The api stopped between recording an import and recording its launch.
    String id = ModelImports.importId("vae", "x.safetensors", URL);
    models.put(new ModelRecord("vae", "x.safetensors", 0, 0, null, State.IMPORTING, null, 0, new TreeMap<>(), NOW,
        "admin-1", new ModelRecord.Import(id, URL, null, 0, -1, null, NOW)));
    StartModelImport.Request vae = new StartModelImport.Request(URL, "vae", "x.safetensors", null, null);
    assertThat(((StartModelImport.Result.Accepted) imports(cloudPolicy).start(vae, "admin-1")).launched())
        .as("within the grace its launch may still be on its way").isFalse();
    clock.advance(StartModelImport.LAUNCH_GRACE.plus(Duration.ofSeconds(1)));
    assertThat(((StartModelImport.Result.Accepted) imports(cloudPolicy).start(vae, "admin-1")).launched()).isTrue();
    assertThat(launches).hasSize(2);
  }

  @Test
  void urlsOutsideTheOutboundPolicyOrNotHttpsAreInvalidUrls() {
    for (String url : List.of("http://hub.example.com/a.safetensors", "https://10.0.0.8/a.safetensors",
        "https://metadata.google.internal/computeMetadata/v1/", "https://hub.internal.test/a.safetensors",
        "https://user:pass@hub.example.com/a.safetensors", "https://[::1]/a.safetensors", "file:///etc/passwd",
        "hub.example.com/a.safetensors", "https://hub.example.com/" + "a".repeat(ModelImports.MAX_URL_CHARS))) {
      StartModelImport.Result result = imports(cloudPolicy).start(request(url), "admin-1");
      assertThat(result).as(url).isInstanceOf(StartModelImport.Result.Invalid.class);
      assertThat(((StartModelImport.Result.Invalid) result).field()).as(url).isEqualTo("url");
    }
    assertThat(models.list(null)).isEmpty();
    assertThat(launches).isEmpty();
  }

  @Test
  void loopbackOverPlainHttpIsAllowedOnlyWhereThePolicyOpensLoopback() {
    OutboundUrlPolicy local = new OutboundUrlPolicy(true, InetAddress::getAllByName);
    String hub = "http://127.0.0.1:8080/ink.safetensors";

    assertThat(imports(cloudPolicy).start(request(hub), "admin-1")).isInstanceOf(StartModelImport.Result.Invalid.class);
    assertThat(imports(local).start(request(hub), "admin-1")).isInstanceOf(StartModelImport.Result.Accepted.class);
    assertThat(imports(local).start(new StartModelImport.Request("http://hub.example.com/a.safetensors", "vae",
        "a.safetensors", null, null), "admin-1")).as("plain http elsewhere stays refused")
        .isInstanceOf(StartModelImport.Result.Invalid.class);
  }

  @Test
  void badFieldsAreNamedAndTheTokenNeverAppearsInAMessage() {
    record Case(StartModelImport.Request request, String field) {}
    for (Case c : List.of(
        new Case(new StartModelImport.Request(URL, "custom_nodes", "a.safetensors", null, null), "folder"),
        new Case(new StartModelImport.Request(URL, "loras", "../a.safetensors", null, null), "name"),
        new Case(new StartModelImport.Request(URL, "loras", ".hidden.safetensors", null, null), "name"),
        new Case(new StartModelImport.Request(URL, "loras", "a.txt", null, null), "name"),
        new Case(new StartModelImport.Request(URL, "loras", "a.safetensors", "abc", null), "sha256"),
        new Case(new StartModelImport.Request(URL, "loras", "a.safetensors", null, "has space " + TOKEN), "token"),
        new Case(new StartModelImport.Request(URL, "loras", "a.safetensors", null, "x".repeat(5000)), "token"))) {
      StartModelImport.Result result = imports(cloudPolicy).start(c.request(), "admin-1");
      assertThat(result).as(c.toString()).isInstanceOf(StartModelImport.Result.Invalid.class);
      StartModelImport.Result.Invalid invalid = (StartModelImport.Result.Invalid) result;
      assertThat(invalid.field()).as(c.toString()).isEqualTo(c.field());
      assertThat(invalid.message()).doesNotContain(TOKEN);
    }
    assertThat(launches).isEmpty();
  }

  @Test
  void aRefusedFileFromElsewhereMayBeReplacedButAReadyOneMayNot() {
    models.put(new ModelRecord("loras", "style/ink.safetensors", 4, 10, null, State.REFUSED, "not safetensors", 0,
        new TreeMap<>(), NOW, "storage"));
    assertThat(imports(cloudPolicy).start(request(URL), "admin-1")).isInstanceOf(StartModelImport.Result.Accepted.class);
    assertThat(models.get("loras", "style/ink.safetensors").orElseThrow().generation())
        .as("only the import's own, newer generation is checked as the import").isEqualTo(4);

    models.put(new ModelRecord("vae", "ready.safetensors", 4, 10, "ab".repeat(32), State.READY, null, 1,
        new TreeMap<>(), NOW, "storage"));
    StartModelImport.Result ready = imports(cloudPolicy).start(
        new StartModelImport.Request(URL, "vae", "ready.safetensors", null, null), "admin-1");
    assertThat(ready).isInstanceOf(StartModelImport.Result.Conflict.class);
    assertThat(models.get("vae", "ready.safetensors").orElseThrow().state()).isEqualTo(State.READY);
  }
}
