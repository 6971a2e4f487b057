package dev.darkroom.core.userdata;

import dev.darkroom.core.port.UserFiles;
import dev.darkroom.core.port.UserFiles.UserFile;
import dev.darkroom.core.userdata.UserDataRefusal.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ComfyUI's user data (app/user_manager.py) for one caller at a time, over {@link UserFiles}: its path
 * rules ({@link UserDataPaths}) and its refusals in its order, plus Darkroom's limits, which ComfyUI,
 * writing to its own disk, does not have: {@link #MAX_FILE_BYTES} per file, {@link #MAX_USER_BYTES} and
 * {@link #MAX_FILES} per user. Each user's files are under their own root: no path reaches another's.
 */
public final class UserData {
  /** The largest file: workflows and settings are JSON of a few hundred KiB at most. */
  public static final long MAX_FILE_BYTES = 10L * 1024 * 1024;
  /** All of one user's files together. */
  public static final long MAX_USER_BYTES = 100L * 1024 * 1024;
  /** How many files one user may keep: also the most any listing reads. */
  public static final int MAX_FILES = 1_000;

  private final UserFiles files;
  private final long maxFileBytes;
  private final long maxUserBytes;
  private final int maxFiles;

  /** With Darkroom's limits: {@link #MAX_FILE_BYTES}, {@link #MAX_USER_BYTES}, {@link #MAX_FILES}. */
  public UserData(UserFiles files) {
    this(files, MAX_FILE_BYTES, MAX_USER_BYTES, MAX_FILES);
  }

  /** With other limits (tests). */
  public UserData(UserFiles files, long maxFileBytes, long maxUserBytes, int maxFiles) {
    this.files = files;
    this.maxFileBytes = maxFileBytes;
    this.maxUserBytes = maxUserBytes;
    this.maxFiles = maxFiles;
  }

  /** A directory's entry in {@code /v2/userdata}: {@code size} and {@code modified} only for files. */
  public record TreeEntry(String name, String path, boolean directory, long size, Instant modified) {}

  /** Whether the user has stored anything (ComfyUI's {@code migrated}: their directory exists). */
  public boolean hasAny(String user) {
    return !files.list(user, "", 1).isEmpty();
  }

  /**
   * {@code GET /userdata?dir=}: the files in {@code dir} (with {@code recurse}, at any depth), their
   * paths relative to it. As ComfyUI's {@code glob}, names starting with a dot are left out. A path
   * that is a file lists nothing; one that is neither is {@link Reason#NOT_FOUND}.
   */
  public List<UserFile> listDirectory(String user, String dir, boolean recurse) {
    String directory = resolve(dir);
    List<UserFile> under = files.list(user, directory, maxFiles);
    if (under.isEmpty() && !directory.isEmpty() && files.stat(user, directory).isEmpty()) {
      throw new UserDataRefusal(Reason.NOT_FOUND, "Directory not found");
    }
    int strip = directory.isEmpty() ? 0 : directory.length() + 1;
    List<UserFile> listed = new ArrayList<>();
    for (UserFile file : under) {
      String relative = file.path().substring(strip);
      boolean hidden = List.of(relative.split("/")).stream().anyMatch(segment -> segment.startsWith("."));
      if (!hidden && (recurse || !relative.contains("/"))) {
        listed.add(new UserFile(relative, file.size(), file.modified(), file.created()));
      }
    }
    return listed;
  }

  /**
   * {@code GET /v2/userdata?path=}: every directory and file under {@code path}, at any depth, paths
   * relative to the user's root, directories first then by name regardless of case. The root of a user
   * with no files is empty; another missing path {@link Reason#NOT_FOUND}; a file {@link Reason#INVALID}.
   */
  public List<TreeEntry> tree(String user, String path) {
    String directory = UserDataPaths.resolve(path)
        .orElseThrow(() -> new UserDataRefusal(Reason.INVALID, "Invalid path requested"));
    List<UserFile> under = files.list(user, directory, maxFiles);
    if (under.isEmpty() && !directory.isEmpty()) {
      if (files.stat(user, directory).isPresent()) {
        throw new UserDataRefusal(Reason.INVALID, "Requested path is not a directory");
      }
      throw new UserDataRefusal(Reason.NOT_FOUND, "Requested path not found");
    }
    int strip = directory.isEmpty() ? 0 : directory.length() + 1;
    Map<String, TreeEntry> entries = new LinkedHashMap<>();
    for (UserFile file : under) {
      String[] segments = file.path().substring(strip).split("/");
      StringBuilder at = new StringBuilder(directory);
      for (int i = 0; i < segments.length - 1; i++) {
        at.append(at.length() == 0 ? "" : "/").append(segments[i]);
        entries.putIfAbsent(at.toString(), new TreeEntry(segments[i], at.toString(), true, 0, null));
      }
      entries.put(file.path(), new TreeEntry(segments[segments.length - 1], file.path(), false, file.size(),
          file.modified()));
    }
    return entries.values().stream()
        .sorted(Comparator.comparing((TreeEntry e) -> !e.directory()).thenComparing(e -> e.name().toLowerCase()))
        .toList();
  }

  /** {@code GET /userdata/{file}}. */
  public byte[] read(String user, String file) {
    return files.read(user, resolve(file)).orElseThrow(UserData::noSuchFile);
  }

  /**
   * {@code POST /userdata/{file}}: ComfyUI's order (outside the root, then {@code overwrite=false} on an
   * existing file, then the body), then Darkroom's limits and what the file system would refuse.
   */
  public UserFile write(String user, String file, byte[] content, boolean overwrite) {
    String path = resolve(file);
    if (!overwrite && files.stat(user, path).isPresent()) {
      throw new UserDataRefusal(Reason.EXISTS, "File already exists");
    }
    checkWritable(user, path, content.length, Optional.empty());
    return files.write(user, path, content);
  }

  /** {@code DELETE /userdata/{file}}. */
  public void delete(String user, String file) {
    if (!files.delete(user, resolve(file))) {
      throw noSuchFile();
    }
  }

  /** {@code POST /userdata/{file}/move/{dest}}: the source must exist; the destination is replaced unless not to. */
  public UserFile move(String user, String file, String dest, boolean overwrite) {
    String from = resolve(file);
    byte[] content = files.read(user, from).orElseThrow(UserData::noSuchFile);
    String to = resolve(dest);
    if (to.equals(from)) {
      return files.stat(user, from).orElseThrow(UserData::noSuchFile);
    }
    if (!overwrite && files.stat(user, to).isPresent()) {
      throw new UserDataRefusal(Reason.EXISTS, "File already exists");
    }
    checkWritable(user, to, content.length, Optional.of(from));
    UserFile moved = files.write(user, to, content);
    files.delete(user, from);
    return moved;
  }

  /** The path relative to the user's root, or {@link Reason#OUTSIDE}. */
  private static String resolve(String requested) {
    return UserDataPaths.resolve(requested)
        .orElseThrow(() -> new UserDataRefusal(Reason.OUTSIDE, "the path leaves your user directory"));
  }

  /**
   * What writing {@code size} bytes at {@code path} must pass: a file name the file system takes, not a
   * directory, under no file (ComfyUI's {@code open} fails on both: 400), and the limits, counting a file
   * it replaces (and one it moves away from, {@code leaving}) as gone.
   */
  private void checkWritable(String user, String path, long size, Optional<String> leaving) {
    UserDataPaths.unfitForAFile(path).ifPresent(why -> {
      throw new UserDataRefusal(Reason.INVALID, "Invalid filename: " + why);
    });
    if (size > maxFileBytes) {
      throw new UserDataRefusal(Reason.TOO_LARGE, "a file may hold at most " + maxFileBytes + " bytes");
    }
    if (!files.list(user, path, 1).isEmpty()) {
      throw new UserDataRefusal(Reason.INVALID, "Invalid filename: " + path + " is a directory");
    }
    for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
      if (files.stat(user, path.substring(0, slash)).isPresent()) {
        throw new UserDataRefusal(Reason.INVALID, "Invalid filename: " + path.substring(0, slash) + " is a file");
      }
    }
    long used = 0;
    int count = 0;
    for (UserFile stored : files.list(user, "", maxFiles + 1)) {
      if (!stored.path().equals(path) && !leaving.equals(Optional.of(stored.path()))) {
        used += stored.size();
        count++;
      }
    }
    if (count >= maxFiles) {
      throw new UserDataRefusal(Reason.TOO_LARGE, "you keep " + maxFiles + " files already, the most a user may");
    }
    if (used + size > maxUserBytes) {
      throw new UserDataRefusal(Reason.TOO_LARGE, "your files would take more than " + maxUserBytes
          + " bytes, the most a user may keep (" + used + " used)");
    }
  }

  private static UserDataRefusal noSuchFile() {
    return new UserDataRefusal(Reason.NOT_FOUND, "no such file");
  }
}
