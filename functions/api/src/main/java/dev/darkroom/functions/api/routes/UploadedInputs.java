package dev.darkroom.functions.api.routes;

import dev.darkroom.core.comfy.InputPaths;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.functions.api.http.Replies;
import java.io.ByteArrayInputStream;
import java.util.Optional;

/**
 * A user's uploaded inputs: objects {@code inputs/{user}/{subfolder/}{name}} in the outputs bucket,
 * where runners fetch them from. The {@link OutputStore} port already does what inputs need (put,
 * stat with the SHA-256 to spot identical re-uploads) and its contract runs against Cloud Storage
 * and the fake alike, so inputs use it under their own prefix rather than a second port.
 */
public final class UploadedInputs {
  /** ComfyUI tries names forever; a bound keeps one request from stat-ing without end. */
  public static final int MAX_RENAMES = 1000;

  private final OutputStore bucket;

  public UploadedInputs(OutputStore bucket) {
    this.bucket = bucket;
  }

  /** What an upload stored: the (possibly renamed) name, as ComfyUI answers it. */
  record Stored(String name, String subfolder) {}

  static String objectName(String user, String subfolder, String name) {
    return InputPaths.objectName(user, subfolder, name);
  }

  /**
   * ComfyUI's upload rules: with {@code overwrite} the name is replaced; otherwise identical bytes
   * reuse the existing file and different ones are renamed {@code name (1).ext}, {@code (2)}, …,
   * as long as the new name stays within {@link InputPaths#MAX_NAME} (ComfyUI's own write fails).
   */
  Stored store(String user, String subfolder, String name, byte[] content, String contentType, boolean overwrite) {
    String candidate = name;
    if (!overwrite) {
      String sha256 = Sha256.hex(content);
      int dot = name.lastIndexOf('.');
      String stem = dot > 0 ? name.substring(0, dot) : name;
      String ext = dot > 0 ? name.substring(dot) : "";
      for (int i = 1; ; i++) {
        Optional<OutputStore.StoredObject> existing = bucket.stat(objectName(user, subfolder, candidate));
        if (existing.isEmpty()) {
          break;
        }
        if (i > MAX_RENAMES) {
          throw new Replies.Refusal(409, "409: Conflict: " + MAX_RENAMES + " files named like " + name
              + " exist already; upload with overwrite or another name");
        }
        if (sha256.equals(existing.get().sha256())) {
          return new Stored(candidate, subfolder);
        }
        candidate = stem + " (" + i + ")" + ext;
        if (!InputPaths.validName(candidate)) {
          throw new Replies.Refusal(409, "409: Conflict: " + name + " exists already and a renamed copy would pass "
              + InputPaths.MAX_NAME + " bytes; upload with overwrite or a shorter name");
        }
      }
    }
    bucket.put(objectName(user, subfolder, candidate), contentType, new ByteArrayInputStream(content));
    return new Stored(candidate, subfolder);
  }
}
