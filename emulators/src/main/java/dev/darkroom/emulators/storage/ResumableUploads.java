package dev.darkroom.emulators.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resumable upload sessions: bytes arrive in ordered chunks that are appended to a part file; the
 * object is committed (preconditions checked then, as GCS does) once the total size is known and
 * reached. Sessions live in memory, so an emulator restart forgets uploads in progress.
 */
final class ResumableUploads {
  private final ObjectStore store;
  private final Path partsDir;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  /** The outcome of a PUT: either more bytes are expected, or the object now exists. */
  sealed interface Progress permits Incomplete, Complete {}

  record Incomplete(long persistedBytes) implements Progress {}

  record Complete(StoredObject object) implements Progress {}

  /**
   * The sizes an upload may have ({@code x-goog-content-length-range: min,max} when the session
   * was started): a larger one is refused as soon as its bytes pass {@code max}, a smaller one
   * when it is finalised.
   */
  record LengthRange(long min, long max) {
    static final LengthRange ANY = new LengthRange(0, Long.MAX_VALUE);

    /** {@code min,max} as GCS reads the header; null for {@link #ANY}. */
    static LengthRange parse(String header) {
      if (header == null) {
        return ANY;
      }
      String[] parts = header.split(",");
      try {
        if (parts.length == 2) {
          long min = Long.parseLong(parts[0].trim());
          long max = Long.parseLong(parts[1].trim());
          if (0 <= min && min <= max) {
            return new LengthRange(min, max);
          }
        }
      } catch (NumberFormatException e) {
        // refused below
      }
      throw GcsException.badRequest("Invalid x-goog-content-length-range '" + header + "': expected MIN,MAX");
    }

    void check(long size, boolean finished) {
      if (size > max || finished && size < min) {
        throw GcsException.badRequest("EntityTooLarge/EntityTooSmall: the upload is " + size
            + " bytes, outside x-goog-content-length-range " + min + "," + max);
      }
    }
  }

  private static final class Session {
    final String bucket;
    final ObjectSpec spec;
    final Preconditions preconditions;
    final LengthRange lengths;
    final Path partFile;
    long persisted;
    StoredObject result;

    Session(String bucket, ObjectSpec spec, Preconditions preconditions, LengthRange lengths, Path partFile) {
      this.bucket = bucket;
      this.spec = spec;
      this.preconditions = preconditions;
      this.lengths = lengths;
      this.partFile = partFile;
    }
  }

  ResumableUploads(ObjectStore store, Path partsDir) {
    this.store = store;
    this.partsDir = partsDir;
    try {
      Files.createDirectories(partsDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Validates what can be validated up front and returns the new upload id. */
  String start(String bucket, ObjectSpec spec, Preconditions preconditions) {
    return start(bucket, spec, preconditions, LengthRange.ANY);
  }

  /** As {@link #start(String, ObjectSpec, Preconditions)}, for an upload of a size in {@code lengths}. */
  String start(String bucket, ObjectSpec spec, Preconditions preconditions, LengthRange lengths) {
    store.bucket(bucket);
    ObjectNames.requireValidObject(spec.name());
    byte[] id = new byte[16];
    random.nextBytes(id);
    String uploadId = HexFormat.of().formatHex(id);
    try {
      Path part = Files.createFile(partsDir.resolve(uploadId + ".part"));
      sessions.put(uploadId, new Session(bucket, spec, preconditions, lengths, part));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return uploadId;
  }

  /**
   * Applies one PUT. Bytes before the persisted offset were already received (a client retrying
   * a chunk) and are skipped; a gap after it is refused.
   */
  Progress put(String uploadId, ContentRange range, InputStream body) throws IOException {
    Session session = session(uploadId);
    synchronized (session) {
      if (session.result != null) {
        return new Complete(session.result);
      }
      if (range.total() != null) {
        session.lengths.check(range.total(), false);
      }
      if (range.hasBytes()) {
        session.lengths.check(range.last() + 1, false);
        if (range.first() > session.persisted) {
          throw GcsException.badRequest("Content-Range starts at byte " + range.first()
              + " but only " + session.persisted + " bytes have been persisted");
        }
        long received = append(session, range, body);
        if (received != range.length()) {
          throw GcsException.badRequest("Content-Range announced " + range.length()
              + " bytes but the body had " + received);
        }
      }
      if (range.total() == null || session.persisted < range.total()) {
        return new Incomplete(session.persisted);
      }
      if (session.persisted > range.total()) {
        throw GcsException.badRequest("The upload declared " + range.total() + " bytes but "
            + session.persisted + " were already received");
      }
      try {
        session.lengths.check(session.persisted, true);
      } catch (GcsException e) {
        sessions.remove(uploadId);
        Files.deleteIfExists(session.partFile);
        throw e;
      }
      StoredObject object;
      try {
        object = store.commit(
            session.bucket, session.spec, store.stageFile(session.partFile), session.preconditions);
      } catch (RuntimeException e) {
        // the part file is gone with the failed commit; GCS also ends the session here
        sessions.remove(uploadId);
        throw e;
      }
      session.result = object;
      return new Complete(object);
    }
  }

  /**
   * Applies one PUT as received: its {@code Content-Range}, or without one the whole object in
   * one go ({@code Content-Length} bytes after those persisted).
   */
  Progress put(String uploadId, HttpExchange ex) throws IOException {
    String header = ex.header("Content-Range");
    ContentRange range;
    if (header != null) {
      range = ContentRange.parse(header);
    } else {
      long length = contentLength(ex);
      long persisted = persistedBytes(uploadId).orElse(0L);
      range = length > 0 ? new ContentRange(persisted, persisted + length - 1, persisted + length)
          : new ContentRange(null, null, persisted);
    }
    return put(uploadId, range, ex.body());
  }

  private static long contentLength(HttpExchange ex) {
    String header = ex.header("Content-Length");
    if (header == null) {
      throw new GcsException(411, "lengthRequired", "A resumable PUT without Content-Range needs a Content-Length");
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw GcsException.badRequest("Invalid Content-Length '" + header + "'");
    }
  }

  /** Appends the part of {@code body} beyond the persisted offset; returns the body length. */
  private static long append(Session session, ContentRange range, InputStream body) throws IOException {
    long skip = session.persisted - range.first();
    long received = 0;
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(session.partFile, StandardOpenOption.APPEND)) {
      int n;
      while ((n = body.read(buffer)) > 0) {
        int from = (int) Math.min(n, Math.max(0, skip - received));
        if (from < n) {
          long room = range.length() - (received + from);
          int take = (int) Math.min(n - from, Math.max(0, room));
          out.write(buffer, from, take);
          session.persisted += take;
        }
        received += n;
      }
    }
    return received;
  }

  /** Forgets a session and its bytes, as {@code DELETE} on the session URI does. */
  void cancel(String uploadId) throws IOException {
    Session session = sessions.remove(uploadId);
    if (session == null) {
      throw GcsException.notFound("No such upload session: " + uploadId);
    }
    synchronized (session) {
      Files.deleteIfExists(session.partFile);
    }
  }

  Optional<Long> persistedBytes(String uploadId) {
    return Optional.ofNullable(sessions.get(uploadId)).map(s -> s.persisted);
  }

  private Session session(String uploadId) {
    Session session = uploadId == null ? null : sessions.get(uploadId);
    if (session == null) {
      throw GcsException.notFound("No such upload session: " + uploadId
          + " (sessions do not survive an emulator restart)");
    }
    return session;
  }
}
