package dev.darkroom.core.usecase;

import dev.darkroom.core.models.ModelImports;
import dev.darkroom.core.models.ModelPaths;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.notify.OutboundUrlPolicy;
import dev.darkroom.core.port.ModelImportLauncher;
import dev.darkroom.core.port.ModelStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Accepts an import of a model file from a URL ({@code POST /api/v2/models/imports}): checks the
 * request (names like ComfyUI's, an https URL the outbound policy allows), records the model as
 * {@code importing} and launches the job that fetches it. Idempotent per (folder, name, url): the
 * record carries the import's id, written in one compare-and-set, so a retried request finds its
 * import and launches nothing. Only an import that failed, or whose launch never got recorded
 * within {@link #LAUNCH_GRACE} (the api stopped between the two), is started again.
 *
 * <p>The hub's token is sealed before it is stored (bound to the import's id) and never appears in
 * a result, a message or a log.
 */
public final class StartModelImport {
  /** How long a recorded import may wait for its launch to be recorded before a retry launches it again. */
  public static final Duration LAUNCH_GRACE = Duration.ofMinutes(2);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

  /** Seals a secret for the record it is bound to (a {@code SecretSealer} in the cloud). */
  @FunctionalInterface
  public interface TokenSealer {
    String seal(String token, String boundTo);
  }

  /** What the caller asked for; {@code sha256} and {@code token} may be null. */
  public record Request(String url, String folder, String name, String sha256, String token) {
    @Override
    public String toString() {
      return "Request[url=" + (url == null ? null : ModelImports.shown(url)) + ", folder=" + folder + ", name=" + name
          + ", sha256=" + sha256 + ", token=" + (token == null ? "none" : "(given)") + "]";
    }
  }

  /** What became of a request. */
  public sealed interface Result {
    /** The import is recorded; {@code launched} says whether this request started its job. */
    record Accepted(ModelRecord model, boolean launched) implements Result {}

    /** The request is not valid: {@code field} names what is wrong. */
    record Invalid(String field, String message) implements Result {}

    /** Another file or import holds this name. */
    record Conflict(String message) implements Result {}

    /** Recorded, but its job could not be started: recorded as failed, a retry starts it again. */
    record NotStarted(ModelRecord model, String message) implements Result {}
  }

  private final ModelStore models;
  private final ModelImportLauncher launcher;
  private final OutboundUrlPolicy policy;
  private final TokenSealer sealer;
  private final Clock clock;

  public StartModelImport(ModelStore models, ModelImportLauncher launcher, OutboundUrlPolicy policy,
      TokenSealer sealer, Clock clock) {
    this.models = models;
    this.launcher = launcher;
    this.policy = policy;
    this.sealer = sealer;
    this.clock = clock;
  }

  public Result start(Request request, String userId) {
    Optional<Result.Invalid> invalid = invalid(request);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    String folder = request.folder();
    String name = request.name();
    String id = ModelImports.importId(folder, name, request.url());
    Instant now = clock.instant();
    String sealed = request.token() == null ? null : sealer.seal(request.token(), id);
    String sha256 = request.sha256() == null ? null : request.sha256().toLowerCase(java.util.Locale.ROOT);
    ModelRecord.Import imported = new ModelRecord.Import(id, request.url(), sealed, 0, -1, null, now);
    AtomicReference<String> conflict = new AtomicReference<>();
    AtomicReference<ModelRecord> written = new AtomicReference<>();
    ModelRecord stored = models.compute(folder, name, existing -> {
      conflict.set(null);
      written.set(null);
      if (existing.isEmpty() || startsAgain(existing.get(), id, now)) {
        // The generation of the file it replaces stays, as an upload's announcement keeps it: only
        // a newer generation's finalize event (the import's upload) is checked as this import.
        ModelRecord fresh = new ModelRecord(folder, name, existing.map(ModelRecord::generation).orElse(0L), 0, sha256,
            State.IMPORTING, null, 0, new TreeMap<>(), now, userId, imported);
        written.set(fresh);
        return Optional.of(fresh);
      }
      ModelRecord held = existing.get();
      if (!sameImport(held, id)) {
        conflict.set(conflictMessage(held));
      }
      return Optional.empty();
    }).orElseThrow();
    if (conflict.get() != null) {
      return new Result.Conflict(conflict.get());
    }
    if (written.get() == null) {
      return new Result.Accepted(stored, false);
    }
    String execution;
    try {
      execution = launcher.launch(folder, name, id);
    } catch (RuntimeException e) {
      String reason = "the import job could not be started: " + e.getMessage();
      ModelRecord failed = models.compute(folder, name, existing -> existing
          .filter(held -> sameImport(held, id) && held.state() == State.IMPORTING && held.imported().execution() == null)
          .map(held -> held.withImport(State.FAILED, reason, held.imported().withoutToken())))
          .orElseThrow();
      return new Result.NotStarted(failed, reason);
    }
    Instant launchedAt = clock.instant();
    ModelRecord launched = models.compute(folder, name, existing -> existing
        .filter(held -> sameImport(held, id) && held.imported().execution() == null)
        .map(held -> held.withImport(held.state(), held.reason(), held.imported().withExecution(execution, launchedAt))))
        .orElseThrow();
    return new Result.Accepted(launched, true);
  }

  private static boolean sameImport(ModelRecord model, String id) {
    return model.imported() != null && model.imported().id().equals(id);
  }

  /**
   * Whether a new import replaces {@code held}: one that failed; a deleted file (its tombstone); a refused file from elsewhere (it
   * was never usable; this same import refused stays as it is, its verdict would not change); or
   * this same import, recorded but never launched, once {@link #LAUNCH_GRACE} is over.
   */
  private static boolean startsAgain(ModelRecord held, String id, Instant now) {
    if (held.state() == State.FAILED || held.deleted() || held.state() == State.REFUSED && !sameImport(held, id)) {
      return true;
    }
    return sameImport(held, id) && held.state() == State.IMPORTING && held.imported().execution() == null
        && held.imported().updatedAt().plus(LAUNCH_GRACE).isBefore(now);
  }

  private static String conflictMessage(ModelRecord held) {
    String where = held.folder() + "/" + held.name();
    if (held.state() == State.IMPORTING) {
      return where + " is being imported from another URL (" + ModelImports.shown(held.imported().url())
          + "); wait for it to end, or import under another name";
    }
    return where + " already exists (" + held.state().wireName() + "); delete it first, or import under another name";
  }

  private Optional<Result.Invalid> invalid(Request request) {
    Optional<String> path = ModelPaths.problem(request.folder(), request.name());
    if (path.isPresent()) {
      String field = request.folder() == null || !ModelPaths.FOLDERS.contains(request.folder()) ? "folder" : "name";
      return Optional.of(new Result.Invalid(field, path.get()));
    }
    if (request.sha256() != null && !SHA256.matcher(request.sha256()).matches()) {
      return Optional.of(new Result.Invalid("sha256", "sha256 must be 64 hexadecimal digits"));
    }
    if (request.token() != null && (request.token().length() > ModelImports.MAX_TOKEN_CHARS
        || !TOKEN.matcher(request.token()).matches())) {
      // Never the token itself in the message.
      return Optional.of(new Result.Invalid("token", "token must be 1 to " + ModelImports.MAX_TOKEN_CHARS
          + " printable ASCII characters without spaces"));
    }
    return urlProblem(request.url()).map(why -> new Result.Invalid("url", why));
  }

  private Optional<String> urlProblem(String url) {
    if (url == null || url.isEmpty() || url.length() > ModelImports.MAX_URL_CHARS) {
      return Optional.of("url must be an https URL of at most " + ModelImports.MAX_URL_CHARS + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("url is not a URL: " + e.getReason());
    }
    if (!uri.isAbsolute()) {
      return Optional.of("url must be an absolute https URL");
    }
    Optional<String> scheme = ModelImports.schemeProblem(uri, policy.allowsLoopback());
    if (scheme.isPresent()) {
      return Optional.of("url is refused: " + scheme.get());
    }
    return policy.refusal(uri).map(why -> "url cannot be fetched by Darkroom: " + why);
  }
}
