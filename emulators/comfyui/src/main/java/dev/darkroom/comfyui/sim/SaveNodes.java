package dev.darkroom.comfyui.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.comfyui.sim.SimValues.Audio;
import dev.darkroom.comfyui.sim.SimValues.Images;
import dev.darkroom.comfyui.sim.SimValues.Latent;
import dev.darkroom.comfyui.sim.SimValues.Video;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The output nodes that write something other than PNG images, each writing what ComfyUI's writes
 * (file kind, name, folder) and answering its {@code ui}: animated WebP and PNG, WebM and MP4 video,
 * FLAC/MP3/Opus audio, latents, glTF, SVG, and text. The files are {@link MediaFiles}' small real ones.
 */
final class SaveNodes {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private SaveNodes() {}

  /** The nodes by class, PreviewAudio naming its temp files with {@code previewPrefix}. */
  static void register(Map<String, SimulatedNodes.Node> nodes, String previewPrefix) {
    nodes.put("SaveAnimatedWEBP", (in, ctx) -> {
      Images images = SimulatedNodes.get(in, "images", Images.class);
      int frameMillis = (int) (1000.0 / number(in, "fps", 6.0));
      boolean lossless = !(in.get("lossless") instanceof JsonNode j) || j.asBoolean(true);
      byte[] file = MediaFiles.animatedWebp(images.frames(), frameMillis, lossless, (int) number(in, "quality", 80));
      ObjectNode ui = JSON.objectNode();
      ui.set("images", write(in, ctx, images, "webp", file));
      ui.putArray("animated").add(images.frames().size() != 1);
      return new SimulatedNodes.Result(List.of(), ui);
    });
    nodes.put("SaveAnimatedPNG", (in, ctx) -> {
      Images images = SimulatedNodes.get(in, "images", Images.class);
      byte[] file = PngWriter.encodeAnimated(images.frames(), (int) (1000.0 / number(in, "fps", 6.0)),
          SimulatedNodes.pngText(ctx));
      return animated(write(in, ctx, images, "png", file));
    });
    nodes.put("SaveWEBM", (in, ctx) -> {
      Images images = SimulatedNodes.get(in, "images", Images.class);
      return animated(write(in, ctx, images, "webm", MediaFiles.webm(images.frames(), number(in, "fps", 24.0))));
    });
    nodes.put("SaveVideo", (in, ctx) -> {
      Video video = SimulatedNodes.get(in, "video", Video.class);
      // VideoContainer.get_extension: "auto" and "mp4" both save an .mp4.
      return animated(write(in, ctx, video.frames(), "mp4", MediaFiles.mp4(video.frames().frames(), video.fps())));
    });
    audio(nodes, "SaveAudio", "flac", MediaFiles::flac, null);
    audio(nodes, "SaveAudioMP3", "mp3", MediaFiles::mp3, null);
    audio(nodes, "SaveAudioOpus", "opus", MediaFiles::opus, null);
    audio(nodes, "PreviewAudio", "flac", MediaFiles::flac, "ComfyUI" + previewPrefix);
    nodes.put("SaveLatent", (in, ctx) -> {
      Latent latent = SimulatedNodes.get(in, "samples", Latent.class);
      byte[] file = MediaFiles.latent(latent.batchSize(), latent.width(), latent.height(),
          SimulatedNodes.pngText(ctx).get("prompt"));
      ObjectNode ui = JSON.objectNode();
      ui.set("latents", writeOne(prefix(in, "latents/ComfyUI"), ctx.outputDir(), "output", 0, 0, "latent", file));
      return new SimulatedNodes.Result(List.of(), ui);
    });
    nodes.put("SaveGLB", (in, ctx) -> {
      ObjectNode ui = JSON.objectNode();
      ui.set("3d", writeOne(prefix(in, "mesh/ComfyUI"), ctx.outputDir(), "output", 0, 0, "glb", MediaFiles.glb()));
      return new SimulatedNodes.Result(List.of(), ui);
    });
    nodes.put("SaveSVGNode", (in, ctx) -> {
      String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><text x=\"2\" y=\"36\""
          + " font-size=\"10\">SIMULATED</text></svg>\n";
      ObjectNode ui = JSON.objectNode();
      ui.set("images", writeOne(prefix(in, "svg/ComfyUI"), ctx.outputDir(), "output", 0, 0, "svg",
          svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      return new SimulatedNodes.Result(List.of(), ui);
    });
    nodes.put("PreviewAny", (in, ctx) -> {
      ObjectNode ui = JSON.objectNode();
      ui.putArray("text").add(previewText(in.get("source")));
      return new SimulatedNodes.Result(List.of(), ui);
    });
    for (String preview3d : List.of("Preview3D", "Preview3DAnimation")) {
      nodes.put(preview3d, (in, ctx) -> {
        ObjectNode ui = JSON.objectNode();
        ArrayNode result = ui.putArray("result");
        result.add(SimulatedNodes.text(in, "model_file"));
        if (in.get("camera_info") instanceof JsonNode camera) result.add(camera); else result.addNull();
        return new SimulatedNodes.Result(List.of(), ui);
      });
    }
  }

  /** PreviewAny's text: a string as it is, a number or boolean as Python prints it, else its description. */
  static String previewText(Object source) {
    if (source == null) return "None";
    if (source instanceof JsonNode j) {
      if (j.isTextual()) return j.textValue();
      if (j.isBoolean()) return j.booleanValue() ? "True" : "False";
      return j.toString();
    }
    return source.toString();
  }

  private static void audio(Map<String, SimulatedNodes.Node> nodes, String classType, String extension,
      Function<Double, byte[]> encode, String tempPrefix) {
    nodes.put(classType, (in, ctx) -> {
      Audio audio = SimulatedNodes.get(in, "audio", Audio.class);
      boolean temp = tempPrefix != null;
      ObjectNode ui = JSON.objectNode();
      ui.set("audio", writeOne(temp ? tempPrefix : prefix(in, "audio/ComfyUI"), temp ? ctx.tempDir() : ctx.outputDir(),
          temp ? "temp" : "output", 0, 0, extension, encode.apply(audio.seconds())));
      return new SimulatedNodes.Result(List.of(), ui);
    });
  }

  private static SimulatedNodes.Result animated(ArrayNode files) {
    ObjectNode ui = JSON.objectNode();
    ui.set("images", files);
    ui.putArray("animated").add(true);
    return new SimulatedNodes.Result(List.of(), ui);
  }

  private static ArrayNode write(Map<String, Object> in, NodeContext ctx, Images images, String extension, byte[] file) {
    return writeOne(prefix(in, "ComfyUI"), ctx.outputDir(), "output", images.width(), images.height(), extension, file);
  }

  /** One file named as ComfyUI names a save's first file ({@code prefix_00001_.ext}), as a ui list. */
  private static ArrayNode writeOne(String prefix, Path dir, String type, int width, int height, String extension,
      byte[] bytes) {
    OutputNaming.SaveTarget target;
    try {
      target = OutputNaming.target(prefix, dir, width, height, LocalDateTime.now());
    } catch (OutputNaming.OutsideOutputFolder e) {
      throw new NodeFailure("Exception", e.getMessage());
    }
    String name = target.fileName(0, extension);
    try {
      Files.write(target.folder().resolve(name), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ArrayNode files = JSON.arrayNode();
    files.addObject().put("filename", name).put("subfolder", target.subfolder()).put("type", type);
    return files;
  }

  private static String prefix(Map<String, Object> in, String fallback) {
    return in.get("filename_prefix") instanceof JsonNode j && j.isTextual() ? j.textValue() : fallback;
  }

  private static double number(Map<String, Object> in, String name, double fallback) {
    return in.get(name) instanceof JsonNode j && j.isNumber() ? j.doubleValue() : fallback;
  }
}
