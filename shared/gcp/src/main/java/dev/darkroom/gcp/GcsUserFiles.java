package dev.darkroom.gcp;

import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.darkroom.core.port.UserFiles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link UserFiles} in a Cloud Storage bucket (the outputs bucket), one prefix per user:
 * {@code userdata/<user id, percent-encoded>/<path>}. The user id is encoded so that no id can spell
 * another's prefix; paths come checked ({@code UserDataPaths}). Files are small (10 MiB at most) and
 * written in one request.
 */
public final class GcsUserFiles implements UserFiles {
  static final String PREFIX = "userdata/";

  private final Storage storage;
  private final String bucket;

  public GcsUserFiles(Storage storage, String bucket) {
    this.storage = storage;
    this.bucket = bucket;
  }

  static String root(String user) {
    return PREFIX + URLEncoder.encode(user, StandardCharsets.UTF_8) + "/";
  }

  @Override
  public Optional<byte[]> read(String user, String path) {
    try {
      return Optional.of(storage.readAllBytes(BlobId.of(bucket, root(user) + path)));
    } catch (StorageException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Optional<UserFile> stat(String user, String path) {
    return Optional.ofNullable(storage.get(BlobId.of(bucket, root(user) + path))).map(blob -> file(user, blob));
  }

  @Override
  public UserFile write(String user, String path, byte[] content) {
    Blob blob = storage.create(BlobInfo.newBuilder(BlobId.of(bucket, root(user) + path))
        .setContentType("application/octet-stream").build(), content);
    return file(user, blob);
  }

  @Override
  public boolean delete(String user, String path) {
    return storage.delete(BlobId.of(bucket, root(user) + path));
  }

  /** Pages of at most {@code limit} objects, as many as it takes to reach {@code limit}. */
  @Override
  public List<UserFile> list(String user, String directory, int limit) {
    List<UserFile> found = new ArrayList<>();
    if (limit <= 0) {
      return found;
    }
    String prefix = root(user) + (directory.isEmpty() ? "" : directory + "/");
    Page<Blob> page = storage.list(bucket, Storage.BlobListOption.prefix(prefix),
        Storage.BlobListOption.pageSize(Math.min(limit, 1000)));
    while (page != null) {
      for (Blob blob : page.getValues()) {
        found.add(file(user, blob));
        if (found.size() >= limit) {
          return found;
        }
      }
      page = page.hasNextPage() ? page.getNextPage() : null;
    }
    return found;
  }

  private static UserFile file(String user, Blob blob) {
    Instant modified = instant(blob.getUpdateTimeOffsetDateTime());
    Instant created = instant(blob.getCreateTimeOffsetDateTime());
    return new UserFile(blob.getName().substring(root(user).length()), blob.getSize(),
        modified != null ? modified : created, created != null ? created : modified);
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
