package dev.darkroom.core.models;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which {@code {folder}/{name}} a model file may have, as ComfyUI's {@code folder_paths} knows
 * them: a known model folder, then a relative name of plain segments (subfolders allowed) ending
 * in an extension ComfyUI loads. No traversal, no hidden or empty segment, no backslash.
 */
public final class ModelPaths {
  /** ComfyUI's model folders ({@code folder_paths.folder_names_and_paths}). */
  public static final Set<String> FOLDERS = Set.of("checkpoints", "configs", "loras", "vae", "text_encoders", "clip",
      "diffusion_models", "unet", "clip_vision", "style_models", "embeddings", "diffusers", "vae_approx",
      "controlnet", "t2i_adapter", "gligen", "upscale_models", "hypernetworks", "photomaker", "classifiers",
      "model_patches", "audio_encoders");

  /**
   * The folders ComfyUI answers {@code /models/{folder}} for (the keys of {@code folder_names_and_paths}):
   * every folder but {@code clip}, {@code unet} and {@code t2i_adapter}, which ComfyUI reads as part of
   * {@code text_encoders}, {@code diffusion_models} and {@code controlnet}.
   */
  public static final Set<String> LISTED_FOLDERS = FOLDERS.stream()
      .filter(f -> !Set.of("clip", "unet", "t2i_adapter").contains(f)).collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** Safetensors, checked by header ({@link SafetensorsHeader}). */
  public static final Set<String> SAFETENSORS = Set.of(".safetensors", ".sft");

  /** Python pickles: loading one can run code, so they are usable only where the deployment allows it. */
  public static final Set<String> PICKLED = Set.of(".ckpt", ".pt", ".pt2", ".pth", ".bin", ".pkl");

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._+\\-()\\[\\]]{0,199}");
  private static final int MAX_NAME = 512;

  private ModelPaths() {}

  /** Why {@code folder} and {@code name} are not a model file's, or empty if they are. */
  public static Optional<String> problem(String folder, String name) {
    if (folder == null || !FOLDERS.contains(folder)) {
      return Optional.of("folder '" + shorten(folder) + "' is not one of ComfyUI's model folders " + new java.util.TreeSet<>(FOLDERS));
    }
    if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
      return Optional.of("name must be 1 to " + MAX_NAME + " characters");
    }
    for (String segment : name.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        return Optional.of("name '" + shorten(name) + "' must be '/'-separated segments of letters, digits, spaces and "
            + "._+-()[], each starting with a letter or digit (no '..', no hidden or empty segment)");
      }
    }
    if (extension(name).isEmpty()) {
      return Optional.of("name '" + shorten(name) + "' must end in one of " + new java.util.TreeSet<>(SAFETENSORS)
          + " or " + new java.util.TreeSet<>(PICKLED));
    }
    return Optional.empty();
  }

  /** The name's model extension (lower case), or empty if ComfyUI would not list the file. */
  public static Optional<String> extension(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String extension = name.substring(dot).toLowerCase(Locale.ROOT);
    return SAFETENSORS.contains(extension) || PICKLED.contains(extension) ? Optional.of(extension) : Optional.empty();
  }

  private static String shorten(String text) {
    return text == null ? "" : text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }
}
