package dev.darkroom.core.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Each user's own files (ComfyUI's {@code user/<user>/} directory: workflows, settings, templates),
 * kept durably; a Cloud Storage prefix per user in the cloud. Paths are relative to the user's root,
 * {@code /}-separated and already checked ({@code dev.darkroom.core.userdata.UserDataPaths}): a store
 * never sees {@code ..}, an empty segment or a leading slash, and one user's paths never reach another's
 * files. There are no directories of their own: a directory exists while a file is under it.
 */
public interface UserFiles {

  /** The file's bytes, or empty if {@code user} has no file at {@code path}. */
  Optional<byte[]> read(String user, String path);

  /** What is known of the file without reading it, or empty. */
  Optional<UserFile> stat(String user, String path);

  /** Stores {@code content} at {@code path}, replacing any file there. */
  UserFile write(String user, String path, byte[] content);

  /** Removes the file; whether there was one. */
  boolean delete(String user, String path);

  /**
   * The user's files under the directory {@code directory} ({@code ""}: all of them), at any depth,
   * in path order, at most {@code limit}: the caller's limit is the listing's.
   */
  List<UserFile> list(String user, String directory, int limit);

  /**
   * A stored file.
   *
   * @param path relative to the user's root
   * @param created when this content was written (a rewrite is a new file, as Cloud Storage keeps it)
   */
  record UserFile(String path, long size, Instant modified, Instant created) {}
}
