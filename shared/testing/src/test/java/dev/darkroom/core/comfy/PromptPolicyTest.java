package dev.darkroom.core.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.testing.InMemoryNodeCatalogStore;
import dev.darkroom.testing.ManualClock;
import dev.darkroom.testing.InMemoryOutputStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptPolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode prompt(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  private static ObjectNode coreCatalog() {
    return NodeCatalog.coreNodes(folder -> folder.equals("checkpoints") ? List.of("dreamshaper_8.safetensors") : List.of())
        .toObjectInfo();
  }

  @Test
  void withACatalogPromptsAreRefusedExactlyAsComfyUIWould() throws Exception {
    InMemoryNodeCatalogStore catalogs = new InMemoryNodeCatalogStore();
    catalogs.publish(coreCatalog());
    PromptPolicy policy = new PromptPolicy(new PublishedCatalog(catalogs, Clock.systemUTC()), new InMemoryOutputStore());

    PromptVerdict unknown = policy.check(prompt("{\"1\":{\"class_type\":\"ImageResize+\",\"inputs\":{}}}"), null, null);
    assertThat(unknown.error().type()).isEqualTo("invalid_prompt");

    PromptVerdict wrongModel = policy.check(prompt("""
        {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "missing.safetensors"}},
         "8": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["4", 2]}},
         "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
         "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "x"}}}
        """), null, null);
    assertThat(wrongModel.error().type()).isEqualTo("prompt_outputs_failed_validation");
    assertThat(wrongModel.nodeErrors().at("/4/errors/0/type").asText()).isEqualTo("value_not_in_list");
  }

  @Test
  void withoutACatalogOnlyTheStructuralCheckApplies() throws Exception {
    PromptPolicy policy = new PromptPolicy(new PublishedCatalog(new InMemoryNodeCatalogStore(), Clock.systemUTC()), new InMemoryOutputStore());
    assertThat(policy.check(prompt("{\"1\":{\"class_type\":\"Anything\",\"inputs\":{}}}"), null, null).accepted()).isTrue();
    assertThat(policy.check(prompt("{\"1\":{\"inputs\":{}}}"), null, null).error().type()).isEqualTo("invalid_prompt");
  }

  @Test
  void theCatalogIsReReadOnlyAfterTheRefreshPeriod() throws Exception {
    InMemoryNodeCatalogStore catalogs = new InMemoryNodeCatalogStore();
    Instant[] now = {Instant.parse("2026-11-23T10:00:00Z")};
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return now[0]; }
    };
    PromptPolicy policy = new PromptPolicy(new PublishedCatalog(catalogs, clock), new InMemoryOutputStore());
    ObjectNode unknownNode = prompt("{\"1\":{\"class_type\":\"Nope\",\"inputs\":{}}}");

    assertThat(policy.check(unknownNode, null, null).accepted()).isTrue();
    catalogs.publish(coreCatalog());
    assertThat(policy.check(unknownNode, null, null).accepted()).as("cached: no catalog yet").isTrue();
    now[0] = now[0].plus(PublishedCatalog.REFRESH).plus(Duration.ofSeconds(1));
    assertThat(policy.check(unknownNode, null, null).error().type()).isEqualTo("invalid_prompt");
    assertThat(catalogs.reads).hasValue(2);
  }

  /**
   * Once a minute the catalog's version is looked at; the catalog itself (the engine's whole
   * {@code /object_info}) is read and parsed again only when a newer one was published.
   */
  @Test
  void anUnchangedCatalogIsNotReadAgainAtARefresh() throws Exception {
    InMemoryNodeCatalogStore catalogs = new InMemoryNodeCatalogStore();
    catalogs.publish(coreCatalog());
    ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
    PublishedCatalog published = new PublishedCatalog(catalogs, clock);
    NodeCatalog first = published.current().orElseThrow();

    clock.advance(PublishedCatalog.REFRESH.plusSeconds(1));
    assertThat(published.current()).containsSame(first);
    clock.advance(PublishedCatalog.REFRESH.plusSeconds(1));
    assertThat(published.current()).containsSame(first);
    assertThat(catalogs.reads).as("reads of the catalog itself").hasValue(1);

    ObjectNode newer = coreCatalog();
    newer.putObject("LateNode").putObject("input").putObject("required");
    catalogs.publish(newer);
    assertThat(published.current()).as("until the next look").containsSame(first);
    clock.advance(PublishedCatalog.REFRESH.plusSeconds(1));
    assertThat(published.current().orElseThrow()).isNotSameAs(first);
    assertThat(catalogs.reads).hasValue(2);
  }
}
