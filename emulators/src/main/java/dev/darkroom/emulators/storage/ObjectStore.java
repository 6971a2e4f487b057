package dev.darkroom.emulators.storage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.common.primitives.Ints;
import com.google.common.util.concurrent.Striped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;

/**
 * Buckets and objects as files: {@code <dataDir>/<bucket>/.bucket.json} marks a bucket; an object
 * is {@code <stem>.meta.json} (its resource) plus {@code <stem>.<generation>.data} (its bytes).
 * Because the data file of a generation is never rewritten, and the sidecar is replaced by an
 * atomic rename after the new data is in place, a reader in any process that reads the sidecar
 * and then opens the data file it names sees one consistent generation.
 */
final class ObjectStore {
  static final Comparator<String> GCS_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String BUCKET_FILE = ".bucket.json";
  private static final String META_SUFFIX = ".meta.json";
  private static final int MAX_COMPOSE_SOURCES = 32;

  private final Path root;
  private final Path tmpDir;
  private final ObjectMapper json =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  /** Serialises writers of one object within this process; the last writer wins. */
  private final Striped<Lock> objectLocks = Striped.lock(64);
  private final AtomicLong lastGeneration = new AtomicLong();

  /** Bytes written to a temp file, with the hashes GCS reports for them. */
  record Staged(Path file, long size, String md5Hash, String crc32c) {}

  /** One generation of an object, opened for reading; the channel stays valid if it is replaced. */
  record OpenObject(StoredObject object, FileChannel channel) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  record ListQuery(
      String prefix, String delimiter, String startOffset, String endOffset, String pageToken,
      int maxResults, boolean includeTrailingDelimiter) {}

  record ListPage(List<StoredObject> items, List<String> prefixes, String nextPageToken) {}

  record ComposeSource(String name, Long generation, Long ifGenerationMatch) {}

  /** Told of every object whose new generation went live (uploads, copies, rewrites, composes). */
  private volatile java.util.function.Consumer<StoredObject> onFinalize = object -> { };

  void onFinalize(java.util.function.Consumer<StoredObject> listener) {
    this.onFinalize = listener;
  }

  ObjectStore(Path root, Path tmpDir) {
    this.root = root;
    this.tmpDir = tmpDir;
    try {
      Files.createDirectories(tmpDir);
      // Staged files of a previous run belong to requests that never finished.
      try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmpDir)) {
        for (Path leftover : leftovers) {
          Files.deleteIfExists(leftover);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + tmpDir, e);
    }
  }

  static String timestamp(Instant instant) {
    return RFC3339.format(instant);
  }

  // ---- buckets ----

  StoredBucket createBucket(String name, String project, String location, String storageClass) {
    ObjectNames.requireValidBucket(name);
    Path dir = root.resolve(name);
    Lock lock = objectLocks.get(name);
    lock.lock();
    try {
      if (Files.exists(dir.resolve(BUCKET_FILE))) {
        throw GcsException.conflict("Your previous request to create the named bucket succeeded and you already own it.");
      }
      Files.createDirectories(dir);
      StoredBucket bucket = new StoredBucket(name, project,
          location == null ? "US" : location.toUpperCase(java.util.Locale.ROOT),
          storageClass == null ? "STANDARD" : storageClass, timestamp(Instant.now()));
      writeAtomically(dir, dir.resolve(BUCKET_FILE), json.writeValueAsBytes(bucket));
      return bucket;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.unlock();
    }
  }

  StoredBucket bucket(String name) {
    ObjectNames.requireValidBucket(name);
    Path file = root.resolve(name).resolve(BUCKET_FILE);
    try {
      return json.readValue(file.toFile(), StoredBucket.class);
    } catch (java.io.FileNotFoundException | NoSuchFileException e) {
      throw GcsException.notFound("The specified bucket does not exist.");
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable " + file, e);
    }
  }

  List<StoredBucket> buckets() {
    List<StoredBucket> buckets = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path dir : dirs) {
        Path file = dir.resolve(BUCKET_FILE);
        if (Files.exists(file)) {
          buckets.add(json.readValue(file.toFile(), StoredBucket.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buckets.sort(Comparator.comparing(StoredBucket::name));
    return buckets;
  }

  void deleteBucket(String name) {
    bucket(name);
    Path dir = root.resolve(name);
    try {
      if (!sidecars(dir).isEmpty()) {
        throw GcsException.conflict("The bucket you tried to delete is not empty.");
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path file : files) {
          Files.deleteIfExists(file);
        }
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- staging ----

  Path newTempFile() {
    try {
      return Files.createTempFile(tmpDir, "staged-", ".tmp");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Streams {@code in} to a temp file, hashing on the way, so no object is held in memory. */
  Staged stage(InputStream in) throws IOException {
    Path file = newTempFile();
    try (OutputStream out = Files.newOutputStream(file)) {
      in.transferTo(out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    return stageFile(file);
  }

  /** Hashes a file already written under the data directory, taking ownership of it. */
  Staged stageFile(Path file) throws IOException {
    MessageDigest md5 = md5();
    Hasher crc = Hashing.crc32c().newHasher();
    long size = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        md5.update(buffer, 0, n);
        crc.putBytes(buffer, 0, n);
        size += n;
      }
    }
    Base64.Encoder b64 = Base64.getEncoder();
    return new Staged(file, size, b64.encodeToString(md5.digest()),
        b64.encodeToString(Ints.toByteArray(crc.hash().asInt())));
  }

  void discard(Staged staged) {
    try {
      Files.deleteIfExists(staged.file());
    } catch (IOException ignored) {
      // a leftover temp file is removed at the next start
    }
  }

  // ---- objects ----

  /** Makes {@code data} the new live generation of the object, or throws 412 and discards it. */
  StoredObject commit(String bucket, ObjectSpec spec, Staged data, Preconditions preconditions) {
    bucket(bucket);
    String name = ObjectNames.requireValidObject(spec.name());
    Path dir = root.resolve(bucket);
    String stem = ObjectNames.fileStem(name);
    Lock lock = objectLocks.get(bucket + "/" + name);
    StoredObject object;
    lock.lock();
    try {
      Optional<StoredObject> current = find(bucket, name);
      preconditions.checkWrite(current);
      long generation = nextGeneration(current.map(StoredObject::generation).orElse(0L));
      String now = timestamp(Instant.now());
      object = new StoredObject(bucket, name, generation, 1, data.size(),
          spec.contentType() == null ? "application/octet-stream" : spec.contentType(),
          spec.contentEncoding(), spec.contentDisposition(), spec.contentLanguage(),
          spec.cacheControl(), data.md5Hash(), data.crc32c(), now, now, new TreeMap<>(spec.metadata()));
      move(data.file(), dir.resolve(stem + "." + generation + ".data"));
      writeAtomically(dir, dir.resolve(stem + META_SUFFIX), json.writeValueAsBytes(object));
      current.ifPresent(previous -> deleteQuietly(dataFile(previous)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.unlock();
      discard(data);
    }
    onFinalize.accept(object);
    return object;
  }

  Optional<StoredObject> find(String bucket, String name) {
    Path sidecar = root.resolve(bucket).resolve(ObjectNames.fileStem(name) + META_SUFFIX);
    try {
      return Optional.of(json.readValue(Files.readAllBytes(sidecar), StoredObject.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable " + sidecar, e);
    }
  }

  /** The live object, after the read preconditions; 404 if it (or that generation) is absent. */
  StoredObject get(String bucket, String name, Long generation, Preconditions preconditions) {
    bucket(bucket);
    ObjectNames.requireValidObject(name);
    StoredObject object = find(bucket, name)
        .filter(o -> generation == null || o.generation() == generation)
        .orElseThrow(() -> GcsException.notFound("No such object: " + bucket + "/" + name));
    preconditions.checkRead(object);
    return object;
  }

  OpenObject open(String bucket, String name, Long generation, Preconditions preconditions) {
    // A concurrent writer may delete the data file named by the sidecar we just read; the
    // sidecar then names a newer generation, so read it again.
    for (int attempt = 0; ; attempt++) {
      StoredObject object = get(bucket, name, generation, preconditions);
      try {
        return new OpenObject(object, FileChannel.open(dataFile(object), StandardOpenOption.READ));
      } catch (NoSuchFileException e) {
        if (attempt >= 3) {
          throw GcsException.notFound("No such object: " + bucket + "/" + name);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Changes metadata only; the generation stays, the metageneration goes up by one. */
  StoredObject patch(String bucket, String name, JsonNode patch, Preconditions preconditions) {
    bucket(bucket);
    ObjectNames.requireValidObject(name);
    if (patch == null || !patch.isObject()) {
      throw GcsException.badRequest("The request body must be a JSON object resource");
    }
    Lock lock = objectLocks.get(bucket + "/" + name);
    lock.lock();
    try {
      StoredObject current = find(bucket, name)
          .orElseThrow(() -> GcsException.notFound("No such object: " + bucket + "/" + name));
      preconditions.checkWrite(Optional.of(current));
      Map<String, String> metadata = patch.has("metadata") && patch.get("metadata").isNull()
          ? new TreeMap<>()
          : ObjectSpec.metadataOf(patch.get("metadata"), new TreeMap<>(current.metadata()));
      StoredObject updated = new StoredObject(bucket, name, current.generation(),
          current.metageneration() + 1, current.size(),
          patched(patch, "contentType", current.contentType(), "application/octet-stream"),
          patched(patch, "contentEncoding", current.contentEncoding(), null),
          patched(patch, "contentDisposition", current.contentDisposition(), null),
          patched(patch, "contentLanguage", current.contentLanguage(), null),
          patched(patch, "cacheControl", current.cacheControl(), null),
          current.md5Hash(), current.crc32c(), current.timeCreated(), timestamp(Instant.now()), metadata);
      Path dir = root.resolve(bucket);
      writeAtomically(dir, dir.resolve(ObjectNames.fileStem(name) + META_SUFFIX), json.writeValueAsBytes(updated));
      return updated;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.unlock();
    }
  }

  private static String patched(JsonNode patch, String field, String current, String whenCleared) {
    if (!patch.has(field)) {
      return current;
    }
    JsonNode value = patch.get(field);
    if (value.isNull()) {
      return whenCleared;
    }
    if (!value.isValueNode()) {
      throw GcsException.badRequest("'" + field + "' must be a string");
    }
    return value.asText();
  }

  void delete(String bucket, String name, Long generation, Preconditions preconditions) {
    bucket(bucket);
    ObjectNames.requireValidObject(name);
    Lock lock = objectLocks.get(bucket + "/" + name);
    lock.lock();
    try {
      StoredObject current = find(bucket, name)
          .filter(o -> generation == null || o.generation() == generation)
          .orElseThrow(() -> GcsException.notFound("No such object: " + bucket + "/" + name));
      preconditions.checkWrite(Optional.of(current));
      Files.deleteIfExists(root.resolve(bucket).resolve(ObjectNames.fileStem(name) + META_SUFFIX));
      deleteQuietly(dataFile(current));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies a source generation to a destination. {@code overrides} null means "keep the
   * source's metadata", as GCS does for a rewrite without a destination resource.
   */
  StoredObject copy(String sourceBucket, String sourceName, Long sourceGeneration,
      Preconditions sourcePreconditions, String destinationBucket, String destinationName,
      ObjectSpec overrides, Preconditions destinationPreconditions) throws IOException {
    bucket(destinationBucket);
    Staged staged;
    StoredObject source;
    try (OpenObject open = open(sourceBucket, sourceName, sourceGeneration, sourcePreconditions)) {
      source = open.object();
      staged = stage(java.nio.channels.Channels.newInputStream(open.channel()));
    }
    ObjectSpec spec = overrides != null
        ? overrides.withName(destinationName).withDefaultContentType(source.contentType())
        : new ObjectSpec(destinationName, source.contentType(), source.contentEncoding(),
            source.contentDisposition(), source.contentLanguage(), source.cacheControl(), source.metadata());
    return commit(destinationBucket, spec, staged, destinationPreconditions);
  }

  StoredObject compose(String bucket, List<ComposeSource> sources, ObjectSpec destination,
      Preconditions preconditions) throws IOException {
    if (sources.isEmpty() || sources.size() > MAX_COMPOSE_SOURCES) {
      throw GcsException.badRequest("compose needs between 1 and 32 source objects, got " + sources.size());
    }
    Path file = newTempFile();
    try (OutputStream out = Files.newOutputStream(file)) {
      for (ComposeSource source : sources) {
        Preconditions sourceCondition = new Preconditions(source.ifGenerationMatch(), null, null, null);
        try (OpenObject open = open(bucket, source.name(), source.generation(), sourceCondition)) {
          java.nio.channels.Channels.newInputStream(open.channel()).transferTo(out);
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    return commit(bucket, destination, stageFile(file), preconditions);
  }

  ListPage list(String bucket, ListQuery query) {
    bucket(bucket);
    String prefix = query.prefix() == null ? "" : query.prefix();
    String delimiter = query.delimiter() == null || query.delimiter().isEmpty() ? null : query.delimiter();
    // Items and collapsed prefixes share one ordering and one page size, as in GCS, so a page
    // token is simply the last name or prefix handed out.
    TreeMap<String, ListEntry> entries = new TreeMap<>(GCS_ORDER);
    for (StoredObject object : readSidecars(root.resolve(bucket))) {
      String name = object.name();
      if (!name.startsWith(prefix)
          || (query.startOffset() != null && GCS_ORDER.compare(name, query.startOffset()) < 0)
          || (query.endOffset() != null && GCS_ORDER.compare(name, query.endOffset()) >= 0)) {
        continue;
      }
      int cut = delimiter == null ? -1 : name.indexOf(delimiter, prefix.length());
      if (cut < 0) {
        entries.merge(name, new ListEntry(object, false), ListEntry::merge);
        continue;
      }
      String collapsed = name.substring(0, cut + delimiter.length());
      boolean alsoItem = query.includeTrailingDelimiter() && collapsed.equals(name);
      entries.merge(collapsed, new ListEntry(alsoItem ? object : null, true), ListEntry::merge);
    }
    Map<String, ListEntry> remaining = query.pageToken() == null
        ? entries
        : entries.tailMap(decodePageToken(query.pageToken()), false);
    List<StoredObject> items = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    String last = null;
    int count = 0;
    for (Map.Entry<String, ListEntry> entry : remaining.entrySet()) {
      if (count == query.maxResults()) {
        return new ListPage(items, prefixes, encodePageToken(last));
      }
      if (entry.getValue().item() != null) {
        items.add(entry.getValue().item());
      }
      if (entry.getValue().prefix()) {
        prefixes.add(entry.getKey());
      }
      last = entry.getKey();
      count++;
    }
    return new ListPage(items, prefixes, null);
  }

  /** A name in a listing: an object, a collapsed prefix, or (includeTrailingDelimiter) both. */
  private record ListEntry(StoredObject item, boolean prefix) {
    ListEntry merge(ListEntry other) {
      return new ListEntry(item != null ? item : other.item, prefix || other.prefix);
    }
  }

  private static String encodePageToken(String last) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8));
  }

  private static String decodePageToken(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw GcsException.badRequest("Invalid pageToken");
    }
  }

  private List<StoredObject> readSidecars(Path dir) {
    List<StoredObject> objects = new ArrayList<>();
    try {
      for (Path sidecar : sidecars(dir)) {
        try {
          objects.add(json.readValue(Files.readAllBytes(sidecar), StoredObject.class));
        } catch (NoSuchFileException deletedMeanwhile) {
          // listing is not a snapshot in GCS either
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }

  private static List<Path> sidecars(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + META_SUFFIX)) {
      stream.forEach(files::add);
    }
    return files;
  }

  // ---- files ----

  private Path dataFile(StoredObject object) {
    return root.resolve(object.bucket())
        .resolve(ObjectNames.fileStem(object.name()) + "." + object.generation() + ".data");
  }

  /** Generations are microsecond timestamps like GCS's, strictly increasing per object. */
  private long nextGeneration(long previous) {
    long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    Function<Long, Long> next = last -> Math.max(Math.max(now, last + 1), previous + 1);
    return lastGeneration.updateAndGet(next::apply);
  }

  private static void writeAtomically(Path dir, Path target, byte[] content) throws IOException {
    Path temp = dir.resolve(".tmp-" + UUID.randomUUID());
    try {
      Files.write(temp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // an orphaned data file wastes space but is never read: no sidecar names it
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }
}
