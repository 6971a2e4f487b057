package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.darkroom.comfyui.sim.SimValues.Audio;
import dev.darkroom.comfyui.sim.SimValues.Clip;
import dev.darkroom.comfyui.sim.SimValues.Conditioning;
import dev.darkroom.comfyui.sim.SimValues.Images;
import dev.darkroom.comfyui.sim.SimValues.Latent;
import dev.darkroom.comfyui.sim.SimValues.Mask;
import dev.darkroom.comfyui.sim.SimValues.Model;
import dev.darkroom.comfyui.sim.SimValues.Opaque;
import dev.darkroom.comfyui.sim.SimValues.Vae;
import dev.darkroom.comfyui.sim.SimValues.Video;
import dev.darkroom.core.comfy.InputSpec;
import dev.darkroom.core.comfy.NodeCatalog;
import dev.darkroom.core.comfy.NodeDefinition;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any core node the simulation has no dedicated stand-in for, run from its {@code /object_info}
 * definition: each output is made by its type from the inputs the node has. IMAGE, LATENT and MASK
 * outputs take their size and count from {@code width}/{@code height}/{@code batch_size}/{@code
 * length}, {@code scale_by} or an upscale model's factor where the node has them, else from the
 * image, latent or video it was given; a LATENT made from a latent by a node given steps (its own
 * {@code steps}, or SIGMAS that carry them) is sampled, one progress tick per step; a value of a
 * type the node also takes is passed on (FluxGuidance's CONDITIONING, ModelSamplingSD3's MODEL,
 * ControlNetApplyAdvanced's positive and negative by name); models, encoders and every other type
 * are descriptions. A loader's model file must be in its folder, as ComfyUI's loaders require.
 */
final class DefinedNode implements SimulatedNodes.Node {

  private static final int DEFAULT_SIZE = 512;
  private static final Pattern UPSCALE_FACTOR = Pattern.compile("(?i)(?:^|[^0-9])([1-8])x|x([1-8])(?:[^0-9]|$)");

  private final NodeDefinition definition;
  private final Map<String, String> modelFolders;
  private final NodeCatalog catalog;
  private final Function<String, List<String>> filesInFolder;

  DefinedNode(NodeDefinition definition, NodeCatalog catalog, Function<String, List<String>> filesInFolder) {
    this.definition = definition;
    this.catalog = catalog;
    this.modelFolders = catalog.modelFolderInputs(definition.classType());
    this.filesInFolder = filesInFolder;
  }

  @Override
  public SimulatedNodes.Result run(Map<String, Object> in, NodeContext ctx) {
    requireModelFiles(in);
    requireInputFiles(in, ctx);
    Outputs outputs = new Outputs(in, ctx);
    List<Object> values = new ArrayList<>();
    List<JsonNode> types = definition.returnTypes();
    JsonNode names = definition.info().path("output_name");
    for (int i = 0; i < types.size(); i++) {
      String type = types.get(i).isTextual() ? types.get(i).textValue() : "COMBO";
      values.add(outputs.make(type, names.path(i).asText(type)));
    }
    return new SimulatedNodes.Result(values, null);
  }

  private void requireModelFiles(Map<String, Object> in) {
    modelFolders.forEach((input, folder) -> {
      if (!(in.get(input) instanceof JsonNode value) || !value.isTextual()) return;
      String name = value.textValue();
      if (catalog.fixedChoices(definition.classType(), input).contains(name)) return;
      List<String> files = filesInFolder.apply(folder);
      if (files == null || !files.contains(name)) {
        // folder_paths.get_full_path_or_raise
        throw new NodeFailure("FileNotFoundError",
            "Model in folder '" + folder + "' with filename '" + name + "' not found.");
      }
    });
  }

  private void requireInputFiles(Map<String, Object> in, NodeContext ctx) {
    for (String input : catalog.inputFileInputs(definition.classType())) {
      if (!(in.get(input) instanceof JsonNode value) || !value.isTextual()) continue;
      java.nio.file.Path file = InputFiles.resolve(ctx, value.textValue());
      if (!Files.isRegularFile(file)) {
        throw new NodeFailure("FileNotFoundError", "[Errno 2] No such file or directory: '" + file + "'");
      }
    }
  }

  /** The outputs of one run; a sampled latent is made once, however many slots show it. */
  private final class Outputs {
    private final Map<String, Object> in;
    private final NodeContext ctx;
    private Latent sampled;

    Outputs(Map<String, Object> in, NodeContext ctx) {
      this.in = in;
      this.ctx = ctx;
    }

    Object make(String type, String name) {
      Optional<Object> byName = Optional.ofNullable(in.get(name)).filter(v -> isOfType(name, type));
      if (byName.isPresent() && !type.equals("IMAGE") && !type.equals("LATENT")) return byName.get();
      return switch (type) {
        case "IMAGE" -> images();
        case "LATENT" -> latent();
        case "MASK" -> mask();
        case "CONDITIONING" -> firstOf("CONDITIONING", Conditioning.class)
            .orElseGet(() -> new Conditioning(joinedText(), firstOf("CLIP", Clip.class).map(Clip::toString).orElse("")));
        case "MODEL" -> firstOf("MODEL", Model.class).orElseGet(() -> new Model(label(), List.of()));
        case "CLIP" -> firstOf("CLIP", Clip.class).orElseGet(() -> new Clip(label(), List.of()));
        case "VAE" -> firstOf("VAE", Vae.class).orElseGet(() -> new Vae(label()));
        case "INT", "FLOAT", "STRING", "BOOLEAN" -> primitive(type, name);
        case "AUDIO" -> firstOf("AUDIO", Audio.class).orElseGet(() -> new Audio(number("seconds").orElse(1.0)));
        case "VIDEO" -> firstOf("VIDEO", Video.class).orElseGet(() -> new Video(images(), number("fps").orElse(24.0)));
        case "*" -> in.values().stream().filter(v -> v != null).findFirst().orElse(null);
        default -> firstOf(type, Object.class).orElseGet(() -> new Opaque(type, label(), carriedText(), steps(), seed()));
      };
    }

    private Images images() {
      Optional<Images> source = firstOf("IMAGE", Images.class)
          .or(() -> firstOf("VIDEO", Video.class).map(Video::frames));
      Optional<Integer> width = integer("width");
      Optional<Integer> height = integer("height");
      if (source.isPresent()) {
        Images images = source.get();
        if (width.isPresent() && height.isPresent()) return scaled(images, width.get(), height.get());
        Optional<Double> factor = number("scale_by").or(this::upscaleFactor);
        if (factor.isPresent()) {
          return scaled(images, (int) Math.round(images.width() * factor.get()),
              (int) Math.round(images.height() * factor.get()));
        }
        return images;
      }
      Optional<Latent> latent = firstOf("LATENT", Latent.class);
      if (latent.isPresent()) return decode(latent.get());
      int w = width.orElse(DEFAULT_SIZE);
      int h = height.orElse(DEFAULT_SIZE);
      return decode(new Latent(w, h, count(), seed(), joinedText(), "", definition.classType() + " " + w + "x" + h));
    }

    private Latent latent() {
      if (sampled != null) return sampled;
      Optional<Latent> source = firstOf("LATENT", Latent.class);
      Optional<Integer> width = integer("width");
      Optional<Integer> height = integer("height");
      Latent made;
      if (source.isPresent() && width.isPresent() && height.isPresent()) {
        Latent l = source.get();
        int w = width.get() == 0 ? l.width() * Math.max(1, height.get()) / Math.max(1, l.height()) : width.get();
        int h = height.get() == 0 ? l.height() * Math.max(1, width.get()) / Math.max(1, l.width()) : height.get();
        made = new Latent(w, h, l.batchSize(), l.seed(), l.positive(), l.negative(), l.recipe() + "|" + w + "x" + h);
      } else if (source.isPresent() && number("scale_by").isPresent()) {
        Latent l = source.get();
        double f = number("scale_by").get();
        made = new Latent((int) Math.round(l.width() * f), (int) Math.round(l.height() * f), l.batchSize(),
            l.seed(), l.positive(), l.negative(), l.recipe() + "|x" + f);
      } else if (source.isPresent() && steps() > 0) {
        made = sample(source.get());
      } else if (source.isPresent()) {
        made = source.get();
      } else if (width.isPresent() && height.isPresent()) {
        made = new Latent(width.get(), height.get(), count(), 0L, "", "", "empty " + width.get() + "x" + height.get());
      } else {
        Optional<Images> pixels = firstOf("IMAGE", Images.class);
        int w = pixels.map(Images::width).orElse(DEFAULT_SIZE);
        int h = pixels.map(Images::height).orElse(DEFAULT_SIZE);
        made = new Latent(w, h, pixels.map(p -> p.frames().size()).orElse(count()), seed(), "", "",
            definition.classType() + " " + w + "x" + h);
      }
      sampled = made;
      return made;
    }

    private Latent sample(Latent latent) {
      int steps = steps();
      for (int i = 0; i < steps; i++) {
        ctx.step();
        ctx.progress(i + 1, steps);
      }
      String positive = firstNamed("positive", Conditioning.class).map(Conditioning::text).orElse(carriedText());
      String negative = firstNamed("negative", Conditioning.class).map(Conditioning::text).orElse("");
      return new Latent(latent.width(), latent.height(), latent.batchSize(), seed(), positive, negative,
          latent.recipe() + "|" + definition.classType() + " steps=" + steps + " +" + positive);
    }

    private Mask mask() {
      Optional<Mask> mask = firstOf("MASK", Mask.class);
      if (mask.isPresent()) return mask.get();
      Optional<Images> image = firstOf("IMAGE", Images.class);
      if (image.isPresent()) return new Mask(image.get().width(), image.get().height());
      return new Mask(integer("width").orElse(DEFAULT_SIZE), integer("height").orElse(DEFAULT_SIZE));
    }

    private Object primitive(String type, String name) {
      Optional<Images> image = firstOf("IMAGE", Images.class);
      if (type.equals("INT") && image.isPresent()) {
        switch (name) {
          case "width": return IntNode.valueOf(image.get().width());
          case "height": return IntNode.valueOf(image.get().height());
          case "batch_size": return IntNode.valueOf(image.get().frames().size());
          default: break;
        }
      }
      Optional<Object> same = firstOf(type, Object.class);
      if (same.isPresent()) return same.get();
      return switch (type) {
        case "INT" -> IntNode.valueOf(0);
        case "FLOAT" -> DoubleNode.valueOf(0.0);
        case "BOOLEAN" -> BooleanNode.FALSE;
        default -> TextNode.valueOf(joinedText());
      };
    }

    private Optional<Double> upscaleFactor() {
      return firstOf("UPSCALE_MODEL", Opaque.class).map(model -> {
        Matcher m = UPSCALE_FACTOR.matcher(model.label());
        // The factor lives in the model file; its name says it for nearly every published one.
        return m.find() ? Double.parseDouble(m.group(1) != null ? m.group(1) : m.group(2)) : 4.0;
      });
    }

    private int count() {
      return Math.max(1, integer("batch_size").orElse(1)) * Math.max(1, integer("length").orElse(1));
    }

    /** The steps a sampler runs: its own {@code steps}, else the most any SIGMAS-like input carries. */
    private int steps() {
      int carried = 0;
      for (Object v : in.values()) if (v instanceof Opaque o) carried = Math.max(carried, o.steps());
      return integer("steps").orElse(carried);
    }

    private long seed() {
      for (String name : List.of("seed", "noise_seed")) {
        if (in.get(name) instanceof JsonNode j && j.isNumber()) return j.bigIntegerValue().longValue();
      }
      for (Object v : in.values()) if (v instanceof Opaque o && o.seed() != 0) return o.seed();
      return 0L;
    }

    /** The text of the node's STRING inputs (CLIPTextEncodeSDXL's text_g and text_l, a prompt...). */
    private String joinedText() {
      List<String> texts = new ArrayList<>();
      definition.inputs().forEach((name, spec) -> {
        if (spec.typeName().equals("STRING") && in.get(name) instanceof JsonNode j && j.isTextual()
            && !name.equals("filename_prefix")) {
          texts.add(j.textValue());
        }
      });
      return String.join(" ", texts);
    }

    /** Prompt text that passes through: a conditioning's, or what another description carries. */
    private String carriedText() {
      Optional<Conditioning> positive = firstNamed("positive", Conditioning.class).or(() -> firstOf("CONDITIONING", Conditioning.class));
      if (positive.isPresent()) return positive.get().text();
      for (Object v : in.values()) if (v instanceof Opaque o && !o.text().isEmpty()) return o.text();
      return joinedText();
    }

    /** What a made description is called: the model file it loads, else the class. */
    private String label() {
      List<String> parts = new ArrayList<>();
      definition.inputs().forEach((name, spec) -> {
        if ((spec.isCombo() || spec.typeName().equals("COMBO")) && in.get(name) instanceof JsonNode j && j.isTextual()
            && modelFolders.containsKey(name)) {
          parts.add(j.textValue());
        }
      });
      return parts.isEmpty() ? definition.classType() : String.join("+", parts);
    }

    private <T> Optional<T> firstOf(String type, Class<T> cls) {
      for (InputSpec spec : definition.inputs().values()) {
        Object v = in.get(spec.name());
        if (v != null && spec.typeName().equals(type) && cls.isInstance(v)) return Optional.of(cls.cast(v));
      }
      return Optional.empty();
    }

    private <T> Optional<T> firstNamed(String name, Class<T> cls) {
      return cls.isInstance(in.get(name)) ? Optional.of(cls.cast(in.get(name))) : Optional.empty();
    }

    private boolean isOfType(String input, String type) {
      return definition.input(input).map(spec -> spec.typeName().equals(type)).orElse(false);
    }

    private Optional<Integer> integer(String name) {
      return in.get(name) instanceof JsonNode j && j.isNumber() && definition.inputs().containsKey(name)
          ? Optional.of(j.intValue()) : Optional.empty();
    }

    private Optional<Double> number(String name) {
      return in.get(name) instanceof JsonNode j && j.isNumber() && definition.inputs().containsKey(name)
          ? Optional.of(j.doubleValue()) : Optional.empty();
    }
  }

  private static Images decode(Latent latent) {
    List<BufferedImage> frames = new ArrayList<>();
    for (int i = 0; i < latent.batchSize(); i++) {
      frames.add(ImageRenderer.render(new ImageRenderer.Recipe(latent.width(), latent.height(), latent.seed() + i,
          latent.positive(), latent.negative(), latent.recipe())));
    }
    return new Images(frames);
  }

  private static Images scaled(Images images, int width, int height) {
    List<BufferedImage> frames = new ArrayList<>();
    for (BufferedImage frame : images.frames()) {
      frames.add(SimulatedNodes.scale(frame, Math.max(0, width), Math.max(0, height), "bilinear", false));
    }
    return new Images(frames);
  }
}
