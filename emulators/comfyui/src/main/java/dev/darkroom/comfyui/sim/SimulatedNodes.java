package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.comfyui.sim.SimValues.Clip;
import dev.darkroom.comfyui.sim.SimValues.Conditioning;
import dev.darkroom.comfyui.sim.SimValues.Images;
import dev.darkroom.comfyui.sim.SimValues.Latent;
import dev.darkroom.comfyui.sim.SimValues.Mask;
import dev.darkroom.comfyui.sim.SimValues.Model;
import dev.darkroom.comfyui.sim.SimValues.Vae;
import dev.darkroom.core.comfy.NodeCatalog;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * CPU stand-ins for ComfyUI's core nodes: loaders return names, samplers tick through their steps
 * and describe the latent, VAEDecode draws it, SaveImage/PreviewImage write PNGs named as ComfyUI
 * names them, the other savers write their kinds ({@link SaveNodes}); every other core class runs
 * from its definition ({@link DefinedNode}).
 */
final class SimulatedNodes {

  /** One node's result: its outputs by slot and its {@code ui} (null when it has none). */
  record Result(List<Object> outputs, ObjectNode ui) {
    static Result of(Object... outputs) {
      return new Result(List.of(outputs), null);
    }
  }

  @FunctionalInterface
  interface Node {
    Result run(Map<String, Object> inputs, NodeContext ctx);
  }

  static final String SOFTWARE = "Darkroom simulated engine (not ComfyUI): procedural image, no model was run";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** Python's json.dumps escapes non-ASCII, which keeps PNG tEXt Latin-1 clean. */
  private static final ObjectMapper PNG_JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final String previewPrefix;
  private final NodeCatalog catalog;
  private final Function<String, List<String>> filesInFolder;

  /**
   * @param catalog the core catalog: a class without a stand-in here runs from its definition
   *     ({@link DefinedNode})
   * @param filesInFolder the engine's model files by folder, which loaders require
   */
  SimulatedNodes(Random random, NodeCatalog catalog, Function<String, List<String>> filesInFolder) {
    this.catalog = catalog;
    this.filesInFolder = filesInFolder;
    StringBuilder letters = new StringBuilder();
    // ComfyUI's alphabet for preview names, including its duplicated 'p' and missing 'w'.
    String alphabet = "abcdefghijklmnopqrstupvxyz";
    for (int i = 0; i < 5; i++) letters.append(alphabet.charAt(random.nextInt(alphabet.length())));
    this.previewPrefix = "_temp_" + letters;
    register();
  }

  Node node(String classType) {
    Node n = nodes.get(classType);
    if (n != null) return n;
    return catalog.node(classType)
        .<Node>map(definition -> new DefinedNode(definition, catalog, filesInFolder))
        .orElseThrow(() -> new NodeFailure("KeyError", "'" + classType + "'"));
  }

  Set<String> classTypes() {
    return nodes.keySet();
  }

  private void register() {
    nodes.put("CheckpointLoaderSimple", (in, ctx) -> {
      String name = text(in, "ckpt_name");
      return Result.of(new Model(name, List.of()), new Clip(name, List.of()), new Vae(name));
    });
    nodes.put("VAELoader", (in, ctx) -> Result.of(new Vae(text(in, "vae_name"))));
    nodes.put("UNETLoader", (in, ctx) -> Result.of(new Model(text(in, "unet_name"), List.of())));
    nodes.put("CLIPLoader", (in, ctx) -> Result.of(new Clip(text(in, "clip_name"), List.of())));
    nodes.put("DualCLIPLoader", (in, ctx) ->
        Result.of(new Clip(text(in, "clip_name1") + "+" + text(in, "clip_name2"), List.of())));
    nodes.put("LoraLoader", (in, ctx) -> {
      Model model = get(in, "model", Model.class);
      Clip clip = get(in, "clip", Clip.class);
      String lora = text(in, "lora_name");
      return Result.of(
          new Model(model.name(), append(model.patches(), lora + "@" + text(in, "strength_model"))),
          new Clip(clip.name(), append(clip.patches(), lora + "@" + text(in, "strength_clip"))));
    });
    nodes.put("CLIPTextEncode", (in, ctx) ->
        Result.of(new Conditioning(text(in, "text"), get(in, "clip", Clip.class).toString())));
    nodes.put("EmptyLatentImage", (in, ctx) -> Result.of(emptyLatent(in)));
    nodes.put("EmptySD3LatentImage", (in, ctx) -> Result.of(emptyLatent(in)));
    nodes.put("KSampler", (in, ctx) -> {
      int steps = integer(in, "steps");
      return Result.of(sample(in, ctx, seed(in, "seed"), steps, 0, steps, true));
    });
    nodes.put("KSamplerAdvanced", (in, ctx) -> {
      int steps = integer(in, "steps");
      int start = integer(in, "start_at_step");
      int end = Math.min(steps, integer(in, "end_at_step"));
      boolean addNoise = "enable".equals(text(in, "add_noise"));
      return Result.of(sample(in, ctx, seed(in, "noise_seed"), steps, start, end, addNoise));
    });
    nodes.put("VAEDecode", (in, ctx) -> {
      Latent latent = get(in, "samples", Latent.class);
      Vae vae = get(in, "vae", Vae.class);
      List<BufferedImage> frames = new ArrayList<>();
      for (int i = 0; i < latent.batchSize(); i++) {
        frames.add(ImageRenderer.render(new ImageRenderer.Recipe(
            latent.width(), latent.height(), latent.seed() + i, latent.positive(), latent.negative(),
            latent.recipe() + "|vae=" + vae.name())));
      }
      return Result.of(new Images(frames));
    });
    nodes.put("VAEEncode", (in, ctx) -> {
      Images images = get(in, "pixels", Images.class);
      long fingerprint = fingerprint(images);
      return Result.of(new Latent(images.width(), images.height(), images.frames().size(), fingerprint,
          "", "", "encoded:" + Long.toHexString(fingerprint) + "|vae=" + get(in, "vae", Vae.class).name()));
    });
    nodes.put("LoadImage", (in, ctx) -> {
      Path file = InputFiles.resolve(ctx, text(in, "image"));
      try {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
          throw new NodeFailure("PIL.UnidentifiedImageError", "cannot identify image file '" + file + "'");
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return Result.of(new Images(List.of(rgb)), new Mask(image.getWidth(), image.getHeight()));
      } catch (IOException e) {
        throw new NodeFailure("FileNotFoundError", "[Errno 2] No such file or directory: '" + file + "'");
      }
    });
    nodes.put("ImageScale", (in, ctx) -> {
      Images images = get(in, "image", Images.class);
      List<BufferedImage> out = new ArrayList<>();
      for (BufferedImage frame : images.frames()) {
        out.add(scale(frame, integer(in, "width"), integer(in, "height"), text(in, "upscale_method"),
            "center".equals(text(in, "crop"))));
      }
      return Result.of(new Images(out));
    });
    nodes.put("SaveImage", (in, ctx) ->
        save(get(in, "images", Images.class), text(in, "filename_prefix"), ctx.outputDir(), "output", ctx));
    nodes.put("PreviewImage", (in, ctx) ->
        save(get(in, "images", Images.class), "ComfyUI" + previewPrefix, ctx.tempDir(), "temp", ctx));
    nodes.put("SaveImageWebsocket", (in, ctx) -> sendOverSocket(get(in, "images", Images.class), ctx));
    nodes.put("MaskPreview", (in, ctx) -> {
      Mask mask = get(in, "mask", Mask.class);
      BufferedImage gray = new BufferedImage(Math.max(1, mask.width()), Math.max(1, mask.height()),
          BufferedImage.TYPE_INT_RGB);
      return save(new Images(List.of(gray)), "ComfyUI" + previewPrefix, ctx.tempDir(), "temp", ctx);
    });
    SaveNodes.register(nodes, previewPrefix);
  }

  /** ComfyUI's SaveImageWebsocket: each image to the client as a binary PNG frame, one step each; no file, no ui. */
  private static Result sendOverSocket(Images images, NodeContext ctx) {
    List<BufferedImage> frames = images.frames();
    for (int i = 0; i < frames.size(); i++) {
      ctx.progress(i, frames.size(), frames.get(i));
    }
    return Result.of();
  }

  private static Latent emptyLatent(Map<String, Object> in) {
    int w = integer(in, "width");
    int h = integer(in, "height");
    return new Latent(w, h, integer(in, "batch_size"), 0L, "", "", "empty " + w + "x" + h);
  }

  private static Latent sample(
      Map<String, Object> in, NodeContext ctx, long seed, int steps, int start, int end, boolean addNoise) {
    Latent latent = get(in, "latent_image", Latent.class);
    Conditioning positive = get(in, "positive", Conditioning.class);
    Conditioning negative = get(in, "negative", Conditioning.class);
    Model model = get(in, "model", Model.class);
    int toRun = Math.max(0, end - start);
    for (int i = 0; i < toRun; i++) {
      ctx.step();
      ctx.progress(i + 1, toRun);
    }
    String recipe = latent.recipe() + "|sample model=" + model + " seed=" + Long.toUnsignedString(seed)
        + " steps=" + steps + " " + start + ".." + end + " cfg=" + text(in, "cfg")
        + " sampler=" + text(in, "sampler_name") + " scheduler=" + text(in, "scheduler")
        + " denoise=" + (in.containsKey("denoise") ? text(in, "denoise") : "1.0")
        + " +" + positive.text() + " -" + negative.text();
    return new Latent(latent.width(), latent.height(), latent.batchSize(),
        addNoise ? seed : latent.seed(), positive.text(), negative.text(), recipe);
  }

  private Result save(Images images, String prefix, Path dir, String type, NodeContext ctx) {
    OutputNaming.SaveTarget target;
    try {
      target = OutputNaming.target(prefix, dir, images.width(), images.height(), LocalDateTime.now());
    } catch (OutputNaming.OutsideOutputFolder e) {
      throw new NodeFailure("Exception", e.getMessage());
    }
    Map<String, String> text = pngText(ctx);
    ArrayNode results = JSON.arrayNode();
    for (int i = 0; i < images.frames().size(); i++) {
      String file = target.fileName(i, "png");
      try {
        Files.write(target.folder().resolve(file), PngWriter.encode(images.frames().get(i), text));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      ObjectNode item = results.addObject();
      item.put("filename", file);
      item.put("subfolder", target.subfolder());
      item.put("type", type);
    }
    ObjectNode ui = JSON.objectNode();
    ui.set("images", results);
    return new Result(List.of(), ui);
  }

  /** The metadata ComfyUI's savers store: {@code prompt}, each {@code extra_pnginfo} key, as JSON text. */
  static Map<String, String> pngText(NodeContext ctx) {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("prompt", pngJson(ctx.prompt()));
    JsonNode extra = ctx.extraPngInfo();
    if (extra != null && extra.isObject()) extra.fields().forEachRemaining(e -> text.put(e.getKey(), pngJson(e.getValue())));
    text.put("Software", SOFTWARE);
    return text;
  }

  private static String pngJson(JsonNode value) {
    try {
      return PNG_JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static BufferedImage scale(BufferedImage src, int width, int height, String method, boolean crop) {
    int w = width;
    int h = height;
    if (w == 0 && h == 0) return src;
    if (w == 0) w = Math.max(1, Math.round(src.getWidth() * (h / (float) src.getHeight())));
    if (h == 0) h = Math.max(1, Math.round(src.getHeight() * (w / (float) src.getWidth())));
    int sx = 0;
    int sy = 0;
    int sw = src.getWidth();
    int sh = src.getHeight();
    if (crop) {
      double target = w / (double) h;
      double old = sw / (double) sh;
      if (old > target) {
        int cw = (int) Math.round(sh * target);
        sx = (sw - cw) / 2;
        sw = cw;
      } else if (old < target) {
        int ch = (int) Math.round(sw / target);
        sy = (sh - ch) / 2;
        sh = ch;
      }
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    Object hint = switch (method) {
      case "nearest-exact" -> RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR;
      case "bilinear" -> RenderingHints.VALUE_INTERPOLATION_BILINEAR;
      default -> RenderingHints.VALUE_INTERPOLATION_BICUBIC;
    };
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, hint);
    g.drawImage(src, 0, 0, w, h, sx, sy, sx + sw, sy + sh, null);
    g.dispose();
    return out;
  }

  private static long fingerprint(Images images) {
    long h = 1125899906842597L;
    for (BufferedImage f : images.frames()) {
      int stepX = Math.max(1, f.getWidth() / 64);
      int stepY = Math.max(1, f.getHeight() / 64);
      for (int y = 0; y < f.getHeight(); y += stepY) {
        for (int x = 0; x < f.getWidth(); x += stepX) h = 31 * h + f.getRGB(x, y);
      }
    }
    return h;
  }

  private static List<String> append(List<String> list, String item) {
    return Stream.concat(list.stream(), Stream.of(item)).toList();
  }

  static String text(Map<String, Object> in, String name) {
    Object v = in.get(name);
    if (v instanceof JsonNode j) return j.isTextual() ? j.textValue() : j.toString();
    return String.valueOf(v);
  }

  private static int integer(Map<String, Object> in, String name) {
    Object v = in.get(name);
    if (v instanceof JsonNode j && j.isNumber()) return j.intValue();
    throw new NodeFailure("TypeError", "'" + typeName(v) + "' object cannot be interpreted as an integer");
  }

  /** Seeds go up to 2^64-1: keep the low 64 bits, which Long.toUnsignedString prints back. */
  private static long seed(Map<String, Object> in, String name) {
    Object v = in.get(name);
    if (v instanceof JsonNode j && j.isNumber()) return j.bigIntegerValue().longValue();
    throw new NodeFailure("TypeError", "'" + typeName(v) + "' object cannot be interpreted as an integer");
  }

  static <T> T get(Map<String, Object> in, String name, Class<T> type) {
    Object v = in.get(name);
    if (type.isInstance(v)) return type.cast(v);
    // A literal where a link belongs passes ComfyUI's validation and fails when the node runs.
    throw new NodeFailure("AttributeError", "'" + typeName(v) + "' object has no attribute '" + name + "'");
  }

  private static String typeName(Object v) {
    if (v instanceof JsonNode j) {
      if (j.isTextual()) return "str";
      if (j.isIntegralNumber()) return "int";
      if (j.isNumber()) return "float";
      if (j.isBoolean()) return "bool";
      if (j.isNull()) return "NoneType";
      return "dict";
    }
    return v == null ? "NoneType" : v.getClass().getSimpleName();
  }

}
