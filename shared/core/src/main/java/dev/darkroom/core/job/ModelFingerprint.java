package dev.darkroom.core.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Which models a prompt needs, as one short string: jobs with equal fingerprints load the same
 * model files, so a runner that has just run one can run the next without loading anything (the
 * costly part of a GPU cold start). Dispatch groups by it and a draining runner claims by it.
 *
 * <p>A model is any string input whose value names a file with a model extension
 * ({@code .safetensors}, {@code .ckpt}, …), whichever node loads it: that covers ComfyUI's own
 * loaders ({@code ckpt_name}, {@code lora_name}, {@code vae_name}, …) and custom nodes' alike
 * without a list of classes. Loader order and repeats do not matter.
 */
public final class ModelFingerprint {
  /** The fingerprint of a prompt that loads no model file. */
  public static final String NO_MODELS = "none";

  private static final List<String> MODEL_EXTENSIONS = List.of(
      ".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".sft", ".onnx", ".pkl", ".pt2");

  private ModelFingerprint() {}

  public static String of(ObjectNode prompt) {
    TreeSet<String> models = models(prompt);
    if (models.isEmpty()) {
      return NO_MODELS;
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(String.join("\n", models).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The model files a prompt names, sorted. */
  public static TreeSet<String> models(ObjectNode prompt) {
    TreeSet<String> models = new TreeSet<>();
    prompt.elements().forEachRemaining(node -> node.path("inputs").elements().forEachRemaining(value -> {
      if (value.isTextual() && isModelFile(value.asText())) {
        models.add(value.asText());
      }
    }));
    return models;
  }

  /** Whether an input's value names a model file (by extension), as {@link #models} counts it. */
  public static boolean isModelFile(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return MODEL_EXTENSIONS.stream().anyMatch(ext -> lower.endsWith(ext) && lower.length() > ext.length());
  }
}
