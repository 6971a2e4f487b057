package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.comfy.InputPaths;
import dev.darkroom.core.comfy.MultipartForm;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.limits.InputLimits;
import dev.darkroom.core.media.ImageVariants;
import dev.darkroom.core.media.Previews;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.usecase.FindOwnJob;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import dev.darkroom.functions.api.views.HistoryEntries;
import dev.darkroom.functions.api.views.JobResources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code GET /view} and {@code POST /upload/image|mask}: the caller's outputs and inputs. */
public final class FileRoutes implements RouteGroup {
  private final FindOwnJob findOwn;
  private final OutputStore outputs;
  private final UploadedInputs uploads;
  private final UploadGate gate;

  /** With the default bounds of uploads ({@code UPLOADS_PER_USER}, {@code UPLOAD_MEMORY_MB}). */
  public FileRoutes(JobStore jobs, OutputStore outputs, UploadedInputs uploads) {
    this(jobs, outputs, uploads, UploadGate.DEFAULT_PER_USER, UploadGate.DEFAULT_MEMORY_MB);
  }

  /**
   * @param uploadsPerUser uploads one user may have under way at once
   * @param uploadMemoryMb what all uploads under way may hold in this instance, in MiB
   */
  public FileRoutes(JobStore jobs, OutputStore outputs, UploadedInputs uploads, int uploadsPerUser, int uploadMemoryMb) {
    this(jobs, outputs, uploads, new UploadGate(uploadsPerUser, uploadMemoryMb));
  }

  /** @param gate the bounds on uploads under way, shared with whatever else takes files in this instance */
  public FileRoutes(JobStore jobs, OutputStore outputs, UploadedInputs uploads, UploadGate gate) {
    this.findOwn = new FindOwnJob(jobs);
    this.outputs = outputs;
    this.uploads = uploads;
    this.gate = gate;
  }

  /** The largest stored file {@code /view} re-encodes ({@code preview=}, {@code channel=}). */
  public static final long MAX_REENCODED_BYTES = 32L * 1024 * 1024;
  /** Re-encodings one instance runs at once: each may hold a decoded image of up to 64 MiB and a core. */
  public static final int REENCODINGS_AT_ONCE = 2;
  private final java.util.concurrent.Semaphore reencodings = new java.util.concurrent.Semaphore(REENCODINGS_AT_ONCE);

  /** {@code UPLOADS_PER_USER}'s default. */
  public static final int DEFAULT_UPLOADS_PER_USER = UploadGate.DEFAULT_PER_USER;
  /** {@code UPLOAD_MEMORY_MB}'s default. */
  public static final int DEFAULT_UPLOAD_MEMORY_MB = UploadGate.DEFAULT_MEMORY_MB;

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", "/view", this::view),
        new Route("POST", "/upload/image", this::uploadImage),
        new Route("POST", "/upload/mask", this::uploadMask));
  }

  /**
   * ComfyUI's checks, in its order (filename, then type, then subfolder, then existence), then a
   * redirect to a short-lived signed URL: the bytes never pass through the function. Outputs are
   * found through the job named by the first subfolder segment (see {@link HistoryEntries}).
   */
  void view(Call call) throws IOException {
    String filename = call.query("filename");
    if (filename == null) {
      Replies.text(call.response(), 404, "404: Not Found");
      return;
    }
    String type = Optional.ofNullable(call.query("type")).orElse("output");
    String subfolder = Optional.ofNullable(call.query("subfolder")).orElse("");
    if (filename.isEmpty() || filename.startsWith("/") || filename.contains("..")
        || !List.of("output", "input", "temp").contains(type)) {
      Replies.text(call.response(), 400, "400: Bad Request");
      return;
    }
    if (subfolder.startsWith("/") || subfolder.contains("..")) {
      Replies.text(call.response(), 403, "403: Forbidden");
      return;
    }
    Optional<String> object = type.equals("input") ? uploadedObject(call.user(), subfolder, filename)
        : outputObject(call.user(), subfolder, filename, type);
    if (object.isEmpty()) {
      Replies.text(call.response(), 404, "404: Not Found");
      return;
    }
    String channel = call.query("channel");
    boolean preview = call.queryParameters().containsKey("preview");
    if (ImageVariants.reencodes(preview, channel)) {
      reencode(call, object.get(), filename, preview ? call.query("preview") : null, channel);
      return;
    }
    call.response().setStatusCode(302);
    call.response().appendHeader("Location", outputs.signedReadUrl(object.get(), JobResources.SIGNED_URL_TTL).toString());
    call.response().appendHeader("Cache-Control", "private, max-age=60");
  }

  /**
   * server.py {@code view_image}'s {@code preview=} and {@code channel=}: the image re-encoded here
   * ({@link ImageVariants}), so its bytes pass through the function, within bounds: a source of at most
   * {@link #MAX_REENCODED_BYTES} and {@link ImageVariants#MAX_PIXELS}, {@link #REENCODINGS_AT_ONCE} at once
   * per instance (503 past it). A file that is no image: ComfyUI fails with 500, we answer 400.
   */
  private void reencode(Call call, String object, String filename, String preview, String channel)
      throws IOException {
    Optional<OutputStore.StoredObject> stored = outputs.stat(object);
    if (stored.isEmpty()) {
      Replies.text(call.response(), 404, "404: Not Found");
      return;
    }
    if (stored.get().size() > MAX_REENCODED_BYTES) {
      throw Replies.Refusal.badRequest("the file is " + stored.get().size() + " bytes; preview= and channel= re-encode"
          + " files of up to " + MAX_REENCODED_BYTES + " bytes (ask without them for the file itself)");
    }
    if (!reencodings.tryAcquire()) {
      call.response().appendHeader("Retry-After", "1");
      Replies.text(call.response(), 503, "503: Service Unavailable: busy re-encoding other images; retry shortly");
      return;
    }
    ImageVariants.Variant variant;
    try {
      byte[] source = outputs.read(object).orElse(null);
      if (source == null) {
        Replies.text(call.response(), 404, "404: Not Found");
        return;
      }
      variant = preview != null ? ImageVariants.preview(source, preview, channel)
          : ImageVariants.channel(source, channel).orElseThrow();
    } catch (Previews.Refused refused) {
      throw Replies.Refusal.badRequest("cannot re-encode this file: " + refused.getMessage());
    } finally {
      reencodings.release();
    }
    call.response().appendHeader("Content-Disposition", "filename=\"" + filename.replaceAll("[\"\\r\\n]", "_") + "\"");
    call.response().appendHeader("Cache-Control", "private, max-age=60");
    Replies.bytes(call.response(), 200, variant.contentType(), variant.bytes());
  }

  private Optional<String> outputObject(String user, String subfolder, String filename, String type) {
    int slash = subfolder.indexOf('/');
    String jobId = slash < 0 ? subfolder : subfolder.substring(0, slash);
    String inner = slash < 0 ? "" : subfolder.substring(slash + 1);
    return findOwn.find(jobId, user).flatMap(job -> job.outputs().stream()
        .filter(o -> o.filename().equals(filename) && o.subfolder().equals(inner) && o.type().equals(type))
        .map(JobOutput::objectName)
        .findFirst());
  }

  private Optional<String> uploadedObject(String user, String subfolder, String filename) {
    if (!InputPaths.validSubfolder(subfolder) || !InputPaths.validName(filename)) {
      return Optional.empty();
    }
    String name = UploadedInputs.objectName(user, subfolder, filename);
    return outputs.stat(name).map(OutputStore.StoredObject::objectName);
  }

  /**
   * ComfyUI's {@code image_upload}: fields {@code image}, {@code overwrite}, {@code type},
   * {@code subfolder}. Darkroom's users write only inputs ({@code type=input}, the default):
   * outputs and temp files come from runs.
   */
  void uploadImage(Call call) throws IOException {
    try (UploadGate.Permit permit = gate.enter(call.user(), call.request().getContentLength())) {
      Upload upload = readUpload(call);
      reply(call, upload, upload.image().content(), upload.contentType());
    } catch (UploadGate.Busy busy) {
      Replies.refuse(call.response(), busy.refusal);
    }
  }

  /**
   * ComfyUI's {@code /upload/mask}: the same fields plus {@code original_ref}
   * ({@code {filename, subfolder, type}}); the original takes the mask's alpha and is stored as a
   * PNG under the upload's name. ComfyUI silently stores nothing when the original is missing (and
   * still answers 200); Darkroom says so with a 404.
   */
  void uploadMask(Call call) throws IOException {
    try (UploadGate.Permit permit = gate.enter(call.user(), call.request().getContentLength())) {
      uploadMask(call, permit);
    } catch (UploadGate.Busy busy) {
      Replies.refuse(call.response(), busy.refusal);
    }
  }

  private void uploadMask(Call call, UploadGate.Permit permit) throws IOException {
    Upload upload = readUpload(call);
    JsonNode ref = RequestBodies.json(field(upload.form(), "original_ref", "").getBytes(StandardCharsets.UTF_8))
        .filter(JsonNode::isObject)
        .orElseThrow(() -> Replies.Refusal.badRequest("original_ref must be a JSON object {filename, subfolder, type}"));
    String filename = ref.path("filename").asText("");
    String type = ref.path("type").asText("output");
    if (filename.endsWith(" [input]") || filename.endsWith(" [output]")) {
      type = filename.endsWith(" [input]") ? "input" : "output";
      filename = filename.substring(0, filename.lastIndexOf(" ["));
    }
    String subfolder = ref.path("subfolder").asText("");
    if (filename.isEmpty() || filename.startsWith("/") || filename.contains("..")) {
      throw Replies.Refusal.badRequest("original_ref.filename is not a plain file name");
    }
    if (subfolder.startsWith("/") || subfolder.contains("..")) {
      throw new Replies.Refusal(403, "403: Forbidden");
    }
    Optional<String> object = switch (type) {
      case "input" -> uploadedObject(call.user(), subfolder, filename);
      case "output" -> outputObject(call.user(), subfolder, filename, type);
      default -> Optional.empty();
    };
    byte[] original = object.flatMap(outputs::read).orElseThrow(() -> new Replies.Refusal(404,
        "404: Not Found: original_ref names no image of yours"));
    // Past the bound, applyMask refuses it (413) before decoding anything.
    permit.reserveMask(Math.min(MaskedImages.pixels(original, "the original image"), InputLimits.MASK_PIXELS));
    reply(call, upload, MaskedImages.applyMask(original, upload.image().content()), "image/png");
  }

  /** A checked upload form: an image of an accepted kind, a plain name and subfolder, type input. */
  private record Upload(Map<String, MultipartForm.Part> form, MultipartForm.Part image, String subfolder,
      String contentType, boolean overwrite) {}

  private Upload readUpload(Call call) throws IOException {
    byte[] body = RequestBodies.read(call.request(), InputLimits.UPLOAD_BODY_BYTES);
    Map<String, MultipartForm.Part> form;
    try {
      form = MultipartForm.parse(call.request().getContentType().orElse(null), body);
    } catch (MultipartForm.MalformedException e) {
      throw Replies.Refusal.badRequest(e.getMessage());
    }
    String type = field(form, "type", "input");
    if (!type.equals("input")) {
      throw Replies.Refusal.badRequest("type '" + type + "': uploads to Darkroom are inputs only "
          + "(outputs come from runs; ComfyUI also accepts output and temp)");
    }
    MultipartForm.Part image = form.get("image");
    if (image == null || image.filename() == null || image.filename().isEmpty()) {
      throw Replies.Refusal.badRequest("no image file in the form");
    }
    String subfolder = field(form, "subfolder", "");
    if (!InputPaths.validSubfolder(subfolder) || !InputPaths.validName(image.filename())) {
      throw Replies.Refusal.badRequest("the file name or subfolder is not a plain relative path");
    }
    String contentType = ImageKinds.contentType(image.content()).orElseThrow(() -> new Replies.Refusal(415,
        "415: Unsupported Media Type: only PNG, JPEG, WebP and GIF images are accepted"));
    String overwrite = field(form, "overwrite", "");
    return new Upload(form, image, subfolder, contentType, overwrite.equals("true") || overwrite.equals("1"));
  }

  private void reply(Call call, Upload upload, byte[] content, String contentType) throws IOException {
    UploadedInputs.Stored stored = uploads.store(call.user(), upload.subfolder(), upload.image().filename(),
        content, contentType, upload.overwrite());
    ObjectNode reply = Replies.JSON.createObjectNode();
    reply.put("name", stored.name());
    reply.put("subfolder", stored.subfolder());
    reply.put("type", "input");
    Replies.json(call.response(), 200, reply);
  }

  private static String field(Map<String, MultipartForm.Part> form, String name, String fallback) {
    MultipartForm.Part part = form.get(name);
    return part == null ? fallback : part.text();
  }
}
