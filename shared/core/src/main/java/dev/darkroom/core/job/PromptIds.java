package dev.darkroom.core.comfy;

import java.util.regex.Pattern;

/**
 * Prompt ids are lowercase canonical UUIDs (ComfyUI's newer rule, enforced on {@code POST /prompt}),
 * so anything else names no job and is never sent to the store, where some strings (".", "__x__",
 * very long ones) are not even valid document ids.
 */
public final class PromptIds {
  private static final Pattern CANONICAL_UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private PromptIds() {}

  public static boolean isValid(String id) {
    return id != null && CANONICAL_UUID.matcher(id).matches();
  }
}
