package dev.darkroom.core.usecase;

import dev.darkroom.core.models.ModelImports;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.port.ModelDownloads;
import dev.darkroom.core.port.ModelFileUploads;
import dev.darkroom.core.port.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The import job's work: streams one import's URL into the models bucket, never holding the file
 * in memory, and keeps the model's record telling how far it got. The record is the import's
 * source of truth (URL, sealed token, state): the job is told only which record to read, and stops
 * as soon as the record names another import (a newer one replaced it).
 *
 * <p>Ending: when the upload is finished the bucket's finalize event has the file checked like any
 * other ({@link CheckModelFile}: safetensors header, sha256 against the one announced), which
 * makes it {@code ready} or {@code refused}. A failure before that records {@code failed} with the
 * reason. Safe to run again (a Cloud Run task retry): it starts the download over in a new upload
 * (an unfinished one never becomes an object), and does nothing once the import has ended.
 */
public final class ImportModelFile {
  /** The object's metadata naming the import it came from. */
  public static final String IMPORT_ID_METADATA = "darkroom-import-id";
  private static final int BUFFER_BYTES = 1 << 20;

  /** Opens a token sealed for the record it is bound to (a {@code SecretSealer} in the cloud). */
  @FunctionalInterface
  public interface TokenOpener {
    String open(String sealed, String boundTo);
  }

  /**
   * @param maxBytes the largest file imported: a longer download fails the import
   * @param timeout the bound on the whole download
   * @param progressEvery the least time between two writes of the progress to the record
   * @param allowLoopback whether plain http to a loopback host may be fetched (the local stack only)
   */
  public record Settings(long maxBytes, Duration timeout, Duration progressEvery, boolean allowLoopback) {}

  public enum Outcome {
    /** The file is in the bucket; its check decides ready or refused. */
    IMPORTED,
    /** The record names no running import of this id (ended, replaced or deleted): nothing was done. */
    NOTHING_TO_DO,
    /** Recorded as failed; running again would give the same answer. */
    FAILED,
    /** Recorded as failed by something that may pass (the server or the network): worth a retry. */
    FAILED_MAY_RETRY
  }

  public record Result(Outcome outcome, String reason) {}

  private final ModelStore models;
  private final ModelDownloads downloads;
  private final ModelFileUploads uploads;
  private final TokenOpener tokens;
  private final Settings settings;
  private final Clock clock;

  public ImportModelFile(ModelStore models, ModelDownloads downloads, ModelFileUploads uploads, TokenOpener tokens,
      Settings settings, Clock clock) {
    this.models = models;
    this.downloads = downloads;
    this.uploads = uploads;
    this.tokens = tokens;
    this.settings = settings;
    this.clock = clock;
  }

  public Result run(String folder, String name, String importId) {
    Instant started = clock.instant();
    ModelRecord begun = models.compute(folder, name, existing -> existing
        .filter(held -> mine(held, importId) && (held.state() == State.IMPORTING || held.state() == State.FAILED))
        .map(held -> held.withImport(State.IMPORTING, null, held.imported().withProgress(0, -1, started))))
        .orElse(null);
    if (begun == null || !mine(begun, importId) || begun.state() != State.IMPORTING) {
      return new Result(Outcome.NOTHING_TO_DO, begun == null ? "no model " + folder + "/" + name + " is recorded"
          : !mine(begun, importId) ? "the record names another import, or none"
          : "the import already ended: " + begun.state().wireName());
    }
    URI url = URI.create(begun.imported().url());
    Optional<String> scheme = ModelImports.schemeProblem(url, settings.allowLoopback());
    if (scheme.isPresent()) {
      return failed(folder, name, importId, scheme.get(), false);
    }
    String sealed = begun.imported().sealedToken();
    String token;
    try {
      token = sealed == null ? null : tokens.open(sealed, importId);
    } catch (RuntimeException e) {
      // Another key (rotated) or a token sealed for another import: no retry can open it.
      return failed(folder, name, importId, "the hub token cannot be opened: " + e.getMessage(), false);
    }
    Progress progress = new Progress(folder, name, importId);
    try (ModelDownloads.Download download = downloads.open(url, token, settings.timeout())) {
      long total = download.length();
      if (total > settings.maxBytes()) {
        return failed(folder, name, importId, "the file is " + total + " bytes, more than the " + settings.maxBytes()
            + " an import may be", false);
      }
      progress.total = total;
      ModelFileUploads.Upload upload = uploads.start(folder + "/" + name, Map.of(IMPORT_ID_METADATA, importId));
      boolean finished = false;
      try {
        copy(download.body(), upload.body(), progress);
        if (total >= 0 && progress.done != total) {
          return failed(folder, name, importId, "the download ended after " + progress.done + " of " + total
              + " bytes", true);
        }
        progress.total = progress.done;
        if (!progress.write()) {
          return new Result(Outcome.NOTHING_TO_DO, "another import replaced this one");
        }
        upload.finish();
        finished = true;
        return new Result(Outcome.IMPORTED, progress.done + " bytes written");
      } finally {
        if (!finished) {
          upload.abandon();
        }
      }
    } catch (Superseded e) {
      return new Result(Outcome.NOTHING_TO_DO, "another import replaced this one");
    } catch (TooLarge e) {
      return failed(folder, name, importId, "the file is more than the " + settings.maxBytes()
          + " bytes an import may be", false);
    } catch (ModelDownloads.Refused e) {
      return failed(folder, name, importId, e.getMessage(), false);
    } catch (InterruptedIOException e) {
      boolean overDeadline = !clock.instant().isBefore(started.plus(settings.timeout()));
      return failed(folder, name, importId, overDeadline ? "the download took longer than " + settings.timeout()
          : "the download stalled: " + e.getMessage(), !overDeadline);
    } catch (IOException e) {
      return failed(folder, name, importId, "the download failed: " + e.getMessage(), true);
    }
  }

  private void copy(InputStream in, OutputStream out, Progress progress) throws IOException {
    byte[] buffer = new byte[BUFFER_BYTES];
    Instant lastWrite = clock.instant();
    for (int read; (read = in.read(buffer)) >= 0; ) {
      if (progress.done + read > settings.maxBytes()) {
        throw new TooLarge();
      }
      out.write(buffer, 0, read);
      progress.done += read;
      Instant now = clock.instant();
      if (!now.isBefore(lastWrite.plus(settings.progressEvery()))) {
        if (!progress.write()) {
          throw new Superseded();
        }
        lastWrite = now;
      }
    }
  }

  /**
   * Records the failure, unless the record already names another import. A failure worth a
   * retry keeps the sealed token (the retried task needs it); a final one drops it.
   */
  private Result failed(String folder, String name, String importId, String reason, boolean mayRetry) {
    Instant now = clock.instant();
    models.compute(folder, name, existing -> existing
        .filter(held -> mine(held, importId) && held.state() == State.IMPORTING)
        .map(held -> {
          ModelRecord.Import imported = held.imported().withProgress(held.imported().bytesDone(),
              held.imported().bytesTotal(), now);
          return held.withImport(State.FAILED, reason, mayRetry ? imported : imported.withoutToken());
        }));
    return new Result(mayRetry ? Outcome.FAILED_MAY_RETRY : Outcome.FAILED, reason);
  }

  private static boolean mine(ModelRecord model, String importId) {
    return model.imported() != null && model.imported().id().equals(importId);
  }

  /** How far the download got, written to the record while it is still this import's. */
  private final class Progress {
    private final String folder;
    private final String name;
    private final String importId;
    long done;
    long total = -1;

    Progress(String folder, String name, String importId) {
      this.folder = folder;
      this.name = name;
      this.importId = importId;
    }

    /** @return false if the record no longer runs this import */
    boolean write() {
      Instant now = clock.instant();
      Optional<ModelRecord> after = models.compute(folder, name, existing -> existing
          .filter(held -> mine(held, importId) && held.state() == State.IMPORTING)
          .map(held -> held.withImport(State.IMPORTING, null, held.imported().withProgress(done, total, now))));
      return after.isPresent() && mine(after.get(), importId) && after.get().state() == State.IMPORTING;
    }
  }

  /** The download is longer than an import may be. */
  private static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
  }

  /** The record names another import now: this one stops. */
  private static final class Superseded extends IOException {
    private static final long serialVersionUID = 1L;
  }
}
