package dev.darkroom.core.limits;

/**
 * Every bound on what a client may send, in one place. ComfyUI itself has one (100 MB per body);
 * a function holds each request in memory, stores a job as one Firestore document (at most 1 MiB)
 * and hands uploads to a GPU job that decodes them, so each kind of input gets its own bound.
 * A request past a bound is refused before anything is stored: {@code 413} when it is too big
 * (bytes, counts, lengths, pixels), {@code 400} when it is malformed (nesting too deep, characters
 * that cannot name a file), {@code 415} for an upload that is not an image; in ComfyUI's error shape
 * on {@code /prompt}, as aiohttp's {@code "413: Request Entity Too Large"} texts elsewhere.
 *
 * <p>Bounds kept beside the code that parses them, in {@code core.comfy}:
 * {@code MultipartForm.MAX_PARTS} form fields per upload, {@code InputPaths.MAX_NAME} bytes per
 * upload file name and {@code InputPaths.MAX_SUBFOLDER} per subfolder.
 */
public final class InputLimits {
  private InputLimits() {}

  // Bodies, read before anything is parsed.

  /**
   * {@code POST /prompt}: room for a prompt and extra_data at their stored bounds even when
   * pretty-printed; past that nothing could be stored anyway.
   */
  public static final int PROMPT_BODY_BYTES = 4 * 1024 * 1024;
  /** {@code POST /upload/image|mask}: under Cloud Functions' 32 MiB request cap. */
  public static final int UPLOAD_BODY_BYTES = 20 * 1024 * 1024;
  /** The small control bodies: {@code /queue}, {@code /history}, {@code /interrupt}. */
  public static final int CONTROL_BODY_BYTES = 1024 * 1024;

  // Every JSON body, enforced by the parser as it reads (see the api function's RequestBodies).

  /** ComfyUI prompts are about 5 levels deep, a UI workflow in extra_pnginfo about 10. */
  public static final int JSON_DEPTH = 64;
  /** Per string value anywhere in a body: a long prompt text is a few thousand characters. */
  public static final int JSON_STRING_CHARS = 100_000;
  /** Per object key anywhere in a body: node ids, input names, extra_data keys. */
  public static final int JSON_KEY_CHARS = 256;
  /**
   * An upload-sized file as base64: the one exception to {@link #JSON_STRING_CHARS}, for the
   * values of a deployment run's {@code inputs} (an image given as data), a data: URL's header aside.
   */
  public static final int UPLOAD_BASE64_CHARS = (UPLOAD_BODY_BYTES + 2) / 3 * 4;

  /**
   * Ids in one {@code /queue} or {@code /history} {@code delete}: each is one store transaction,
   * so this bounds one request's work to seconds. ComfyUI's frontend deletes one item at a time.
   */
  public static final int DELETE_IDS = 100;

  // POST /prompt, checked on the parsed body (see PromptRequests and PromptPolicy).

  /** Nodes in {@code prompt}; the biggest real workflows have a few hundred. */
  public static final int PROMPT_NODES = 2_000;
  /** Inputs of one node; ComfyUI's widest core nodes have a few dozen. */
  public static final int NODE_INPUTS = 256;
  /** A node's {@code class_type}; ComfyUI's class names are identifiers of a few dozen characters. */
  public static final int CLASS_TYPE_CHARS = 256;
  /**
   * The prompt as stored, compact UTF-8 JSON after ComfyUI's coercions: with extra_data and the
   * job's own fields it must fit one Firestore document (1 MiB).
   */
  public static final int PROMPT_JSON_BYTES = 512 * 1024;
  /** {@code extra_data} as stored (compact UTF-8 JSON), with {@code extra_pnginfo}'s UI workflow. */
  public static final int EXTRA_DATA_JSON_BYTES = 384 * 1024;
  /** {@code client_id}: ComfyUI's are 32 hex characters; the realtime gateway keys sockets by it. */
  public static final int CLIENT_ID_CHARS = 256;

  // Uploads (see the api function's ImageKinds and MaskedImages).

  /**
   * Pixels an uploaded image may declare: Pillow's {@code MAX_IMAGE_PIXELS}, past which ComfyUI's
   * loaders warn of a decompression bomb. The header is read; the image is never decoded for this.
   */
  public static final long UPLOAD_PIXELS = 89_478_485L;
  /** Pixels of each image {@code /upload/mask} decodes in memory (two per request): 4096 x 4096. */
  public static final long MASK_PIXELS = 4096L * 4096L;

  // How a client's value is quoted back in an error message.

  /** Characters of a client's value quoted in a message; the rest is elided. */
  public static final int SHOWN_CHARS = 100;

  /** A client's value quoted in a message: at most {@value #SHOWN_CHARS} characters of it. */
  public static String shown(String value) {
    return value.codePointCount(0, value.length()) <= SHOWN_CHARS ? value
        : value.substring(0, value.offsetByCodePoints(0, SHOWN_CHARS)) + "…";
  }
}
