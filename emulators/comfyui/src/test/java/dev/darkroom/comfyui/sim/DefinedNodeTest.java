package dev.darkroom.comfyui.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.comfyui.sim.SimValues.Images;
import dev.darkroom.comfyui.sim.SimValues.Latent;
import dev.darkroom.comfyui.sim.SimValues.Opaque;
import dev.darkroom.core.comfy.InputSpec;
import dev.darkroom.core.comfy.NodeCatalog;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every class of the recorded core catalog runs on the simulated engine, from its definition if need be. */
class DefinedNodeTest {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final NodeCatalog catalog = NodeCatalog.coreNodes(folder -> List.of("model.safetensors"));

  @TempDir Path dir;
  private int steps;

  private final NodeContext ctx = new NodeContext() {
    @Override public String nodeId() { return "1"; }
    @Override public Duration stepTime() { return Duration.ZERO; }
    @Override public void progress(int value, int max) { steps = max; }
    @Override public void progress(int value, int max, java.awt.image.BufferedImage image) { steps = max; }
    @Override public void step() {}
    @Override public void hang() {}
    @Override public Path inputDir() { return dir; }
    @Override public Path outputDir() { return dir; }
    @Override public Path tempDir() { return dir; }
    @Override public ObjectNode prompt() { return JSON.objectNode(); }
    @Override public JsonNode extraPngInfo() { return null; }
  };

  private final SimulatedNodes nodes = new SimulatedNodes(new Random(1), catalog, folder -> List.of("model.safetensors"));

  /** A value for each declared input: its default, its first choice, or a simulated value of its type. */
  private Map<String, Object> inputs(String classType) {
    Map<String, Object> in = new LinkedHashMap<>();
    for (InputSpec spec : catalog.inputs(classType).values()) {
      JsonNode choices = spec.isCombo() ? spec.type() : spec.options().path("options");
      if (spec.options().has("default")) {
        in.put(spec.name(), spec.options().get("default"));
      } else if (choices.isArray() && !choices.isEmpty()) {
        in.put(spec.name(), choices.get(0));
      } else {
        in.put(spec.name(), valueOf(spec.typeName()));
      }
    }
    return in;
  }

  private static Object valueOf(String type) {
    return switch (type) {
      case "IMAGE" -> new Images(List.of(new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB)));
      case "LATENT" -> new Latent(16, 8, 1, 0, "", "", "test");
      case "MASK" -> new SimValues.Mask(16, 8);
      case "MODEL" -> new SimValues.Model("m", List.of());
      case "CLIP" -> new SimValues.Clip("c", List.of());
      case "VAE" -> new SimValues.Vae("v");
      case "CONDITIONING" -> new SimValues.Conditioning("text", "c");
      case "AUDIO" -> new SimValues.Audio(1.0);
      case "VIDEO" -> new SimValues.Video(new Images(List.of(new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB))), 8);
      case "INT" -> JSON.numberNode(1);
      case "FLOAT" -> JSON.numberNode(1.0);
      case "BOOLEAN" -> JSON.booleanNode(false);
      case "STRING" -> JSON.textNode("x");
      default -> new Opaque(type, "test", "", 0, 0);
    };
  }

  @Test
  void everyCoreClassRunsToOneValuePerDeclaredOutput() {
    List<String> failed = new ArrayList<>();
    for (String classType : catalog.classTypes()) {
      try {
        SimulatedNodes.Result result = nodes.node(classType).run(inputs(classType), ctx);
        if (result.outputs().size() != catalog.returnTypes(classType).size()) failed.add(classType + ": outputs");
      } catch (NodeFailure expected) {
        // a node refusing its inputs as ComfyUI would (a missing input file) is a run, not a crash
      } catch (RuntimeException e) {
        failed.add(classType + ": " + e);
      }
    }
    assertThat(failed).isEmpty();
    assertThat(catalog.classTypes()).hasSizeGreaterThan(400);
  }

  @Test
  void aSizeFromWidthHeightAndBatchSizeAndASamplerGivenSigmasTicksTheirSteps() {
    Map<String, Object> empty = inputs("EmptyImage");
    empty.put("width", JSON.numberNode(40));
    empty.put("height", JSON.numberNode(24));
    empty.put("batch_size", JSON.numberNode(3));
    Images images = (Images) nodes.node("EmptyImage").run(empty, ctx).outputs().get(0);
    assertThat(images.frames()).hasSize(3);
    assertThat(images.width()).isEqualTo(40);

    Map<String, Object> scheduler = inputs("BasicScheduler");
    scheduler.put("steps", JSON.numberNode(7));
    Object sigmas = nodes.node("BasicScheduler").run(scheduler, ctx).outputs().get(0);
    Map<String, Object> sampler = inputs("SamplerCustomAdvanced");
    sampler.put("sigmas", sigmas);
    List<Object> out = nodes.node("SamplerCustomAdvanced").run(sampler, ctx).outputs();
    assertThat(steps).isEqualTo(7);
    assertThat(out).hasSize(2);
    assertThat(out.get(0)).isSameAs(out.get(1));
  }

  @Test
  void everyOutputNodeThatSavesAFileAnswersItInItsUi() {
    for (String classType : List.of("SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveWEBM", "SaveVideo", "SaveAudio",
        "SaveAudioMP3", "SaveAudioOpus", "PreviewAudio", "SaveLatent", "SaveGLB", "SaveSVGNode", "MaskPreview")) {
      ObjectNode ui = nodes.node(classType).run(inputs(classType), ctx).ui();
      JsonNode files = ui.has("images") ? ui.get("images") : ui.has("audio") ? ui.get("audio")
          : ui.has("latents") ? ui.get("latents") : ui.get("3d");
      assertThat(files).as(classType).hasSize(1);
      assertThat(dir.resolve(files.at("/0/subfolder").asText()).resolve(files.at("/0/filename").asText()))
          .as(classType).isNotEmptyFile();
    }
  }

  @Test
  void controlNetApplyPassesEachConditioningOnByName() {
    Map<String, Object> in = inputs("ControlNetApplyAdvanced");
    in.put("positive", new SimValues.Conditioning("pos", "c"));
    in.put("negative", new SimValues.Conditioning("neg", "c"));

    List<Object> out = nodes.node("ControlNetApplyAdvanced").run(in, ctx).outputs();

    assertThat(out).extracting(c -> ((SimValues.Conditioning) c).text()).containsExactly("pos", "neg");
  }
}
