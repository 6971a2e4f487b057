package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Load times read off ComfyUI's executing sequence, on a clock the test moves. */
class ModelLoadsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AtomicLong nanos = new AtomicLong();
  private final List<Progress> passedOn = new ArrayList<>();

  @TempDir Path home;

  private static ObjectNode prompt() throws Exception {
    return (ObjectNode) JSON.readTree("""
        {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sdxl/base.safetensors"}},
         "10": {"class_type": "LoraLoader", "inputs": {"lora_name": "detail.safetensors", "strength_model": 1,
                "model": ["4", 0], "clip": ["4", 1]}},
         "11": {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "t5.safetensors", "clip_name2": "l.sft",
                "type": "flux"}},
         "3": {"class_type": "KSampler", "inputs": {"seed": 1, "sampler_name": "euler", "model": ["10", 0]}},
         "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x.safetensors-not-a-model/", "images": ["3", 0]}}}
        """);
  }

  private void at(long millis, Consumer<Progress> observed, Progress update) {
    nanos.set(millis * 1_000_000);
    observed.accept(update);
  }

  @Test
  void eachLoaderRunsFromItsExecutingToTheNextNodesAndOneNeverExecutedWasCached() throws Exception {
    ModelLoads loads = ModelLoads.of(prompt(), nanos::get);
    Consumer<Progress> observed = loads.observing(passedOn::add);

    at(0, observed, new Progress("4", 0, 0));
    at(2_500, observed, new Progress("10", 0, 0));
    at(2_900, observed, new Progress("3", 0, 0));
    at(3_000, observed, new Progress("3", 1, 20));      // a sampler step: not a new node
    at(3_100, observed, new Progress("3", 0, 0));       // the same node again: still running
    nanos.set(9_000_000_000L);
    List<ModelLoads.Load> result = loads.finish();

    assertThat(result).extracting(load -> load.loader().nodeId()).containsExactly("4", "10", "11");
    assertThat(result.get(0).seconds()).isEqualTo(2.5);
    assertThat(result.get(0).loader().files()).isEqualTo(Map.of("ckpt_name", "sdxl/base.safetensors"));
    assertThat(result.get(1).seconds()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(result.get(1).cached()).isFalse();
    assertThat(result.get(2).cached()).as("DualCLIPLoader never executed: its output was cached").isTrue();
    assertThat(result.get(2).loader().files()).containsOnlyKeys("clip_name1", "clip_name2");
    assertThat(passedOn).as("every update still reaches the reporter").hasSize(5);
  }

  @Test
  void theLastNodeOfThePromptEndsWhenThePromptDoes() throws Exception {
    ModelLoads loads = ModelLoads.of(prompt(), nanos::get);
    Consumer<Progress> observed = loads.observing(passedOn::add);

    at(1_000, observed, new Progress("11", 0, 0));
    nanos.set(4_000_000_000L);

    assertThat(loads.finish()).filteredOn(load -> load.loader().nodeId().equals("11"))
        .singleElement().satisfies(load -> assertThat(load.seconds()).isEqualTo(3.0));
  }

  @Test
  void aPromptWithoutModelFilesHasNoLoads() throws Exception {
    ObjectNode prompt = (ObjectNode) JSON.readTree("{\"9\": {\"class_type\": \"SaveImage\", \"inputs\": {}}}");

    assertThat(ModelLoads.of(prompt, nanos::get).finish()).isEmpty();
  }

  @Test
  void aModelIsFoundUnderTheExtraModelPathsBaseThenComfyUisOwnModels() throws Exception {
    Path mount = Files.createDirectories(home.resolve("mnt/models"));
    Files.writeString(home.resolve("extra_model_paths.yaml"),
        "darkroom:\n    base_path: " + mount + "   # the bucket\n    checkpoints: checkpoints\n");
    Files.createDirectories(mount.resolve("checkpoints/sdxl"));
    Files.write(mount.resolve("checkpoints/sdxl/base.safetensors"), new byte[1234]);
    Files.createDirectories(home.resolve("models/loras"));
    Files.write(home.resolve("models/loras/detail.safetensors"), new byte[10]);
    ModelSources sources = ModelSources.of(home);

    assertThat(sources.find("sdxl/base.safetensors")).hasValueSatisfying(found -> {
      assertThat(found.path()).isEqualTo(mount.resolve("checkpoints/sdxl/base.safetensors"));
      assertThat(found.bytes()).isEqualTo(1234);
    });
    assertThat(sources.find("detail.safetensors")).hasValueSatisfying(found ->
        assertThat(found.path()).isEqualTo(home.resolve("models/loras/detail.safetensors")));
    assertThat(sources.find("missing.safetensors")).isEmpty();
    assertThat(sources.find("../../extra_model_paths.yaml")).as("no way out of a folder").isEmpty();
    assertThat(ModelSources.NONE.find("sdxl/base.safetensors")).isEmpty();
  }
}
