package dev.darkroom.emulators.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The JSON API routes under {@code /storage/v1}, {@code /upload/storage/v1} and
 * {@code /download/storage/v1}: buckets, objects, uploads of the three kinds, rewrite, copy and
 * compose, with the request shapes the official clients send.
 */
final class JsonApi {
  static final String API = "/storage/v1";
  static final String UPLOAD = "/upload" + API;
  static final String DOWNLOAD = "/download" + API;
  private static final Set<String> OBJECT_ACTIONS = Set.of("rewriteTo", "copyTo", "compose");
  private static final int MAX_PAGE = 1000;

  private final ObjectStore store;
  private final ResumableUploads uploads;
  private final Notifications notifications;

  JsonApi(ObjectStore store, ResumableUploads uploads, Notifications notifications) {
    this.store = store;
    this.uploads = uploads;
    this.notifications = notifications;
  }

  static boolean handles(String rawPath) {
    return under(rawPath, API) || under(rawPath, UPLOAD) || under(rawPath, DOWNLOAD);
  }

  private static boolean under(String path, String prefix) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  void handle(HttpExchange ex) throws IOException {
    String path = ex.rawPath();
    boolean upload = under(path, UPLOAD);
    String rest = path.substring(upload ? UPLOAD.length() : under(path, DOWNLOAD) ? DOWNLOAD.length() : API.length());
    List<String> segments = new ArrayList<>();
    for (String raw : rest.split("/")) {
      if (!raw.isEmpty()) {
        segments.add(UriEncoding.decodePath(raw));
      }
    }
    if (segments.isEmpty() || !segments.get(0).equals("b")) {
      throw GcsException.notFound("Not Found: " + path);
    }
    String method = ex.method();
    if (segments.size() == 1) {
      switch (method) {
        case "GET" -> listBuckets(ex);
        case "POST" -> createBucket(ex);
        default -> throw methodNotAllowed(method, path);
      }
      return;
    }
    String bucket = ObjectNames.requireValidBucket(segments.get(1));
    if (segments.size() == 2) {
      switch (method) {
        case "GET" -> ex.json(200, Resources.bucket(store.bucket(bucket), ex.baseUrl()));
        case "DELETE" -> {
          store.deleteBucket(bucket);
          ex.empty(204);
        }
        case "PATCH", "PUT" -> throw GcsException.notImplemented("Updating buckets is not supported by the emulator");
        default -> throw methodNotAllowed(method, path);
      }
      return;
    }
    if (segments.get(2).equals("notificationConfigs") && !upload) {
      notificationRoute(ex, bucket, segments.size() > 3 ? segments.get(3) : null);
      return;
    }
    if (!segments.get(2).equals("o")) {
      throw GcsException.notImplemented("Bucket sub-resource '" + segments.get(2) + "' is not supported by the emulator");
    }
    if (segments.size() == 3) {
      if (upload) {
        upload(ex, bucket);
      } else if (method.equals("GET")) {
        listObjects(ex, bucket);
      } else {
        throw methodNotAllowed(method, path);
      }
      return;
    }
    int action = indexOfAction(segments);
    String object = String.join("/", segments.subList(3, action < 0 ? segments.size() : action));
    if (action < 0) {
      objectRoute(ex, bucket, object);
    } else {
      actionRoute(ex, bucket, object, segments.subList(action, segments.size()));
    }
  }

  private void notificationRoute(HttpExchange ex, String bucket, String id) throws IOException {
    store.bucket(bucket);
    String method = ex.method();
    if (id == null) {
      switch (method) {
        case "POST" -> ex.json(200, Notifications.resource(notifications.create(bucket, ex.jsonBody()), ex.baseUrl()));
        case "GET" -> {
          ObjectNode list = Resources.JSON.createObjectNode().put("kind", "storage#notifications");
          ArrayNode items = list.putArray("items");
          notifications.list(bucket).forEach(c -> items.add(Notifications.resource(c, ex.baseUrl())));
          ex.json(200, list);
        }
        default -> throw methodNotAllowed(method, ex.rawPath());
      }
      return;
    }
    switch (method) {
      case "GET" -> ex.json(200, Notifications.resource(notifications.get(bucket, id), ex.baseUrl()));
      case "DELETE" -> {
        notifications.delete(bucket, id);
        ex.empty(204);
      }
      default -> throw methodNotAllowed(method, ex.rawPath());
    }
  }

  private static int indexOfAction(List<String> segments) {
    for (int i = 4; i < segments.size(); i++) {
      if (OBJECT_ACTIONS.contains(segments.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static GcsException methodNotAllowed(String method, String path) {
    return new GcsException(405, "methodNotAllowed", "Method " + method + " is not allowed on " + path);
  }

  // ---- buckets ----

  private void listBuckets(HttpExchange ex) throws IOException {
    String prefix = ex.query().get("prefix");
    ObjectNode body = Resources.JSON.createObjectNode().put("kind", "storage#buckets");
    ArrayNode items = body.putArray("items");
    for (StoredBucket bucket : store.buckets()) {
      if (prefix == null || bucket.name().startsWith(prefix)) {
        items.add(Resources.bucket(bucket, ex.baseUrl()));
      }
    }
    ex.json(200, body);
  }

  private void createBucket(HttpExchange ex) throws IOException {
    JsonNode body = ex.jsonBody();
    String name = body.path("name").asText(null);
    if (name == null) {
      throw new GcsException(400, "required", "Required field: name");
    }
    StoredBucket bucket = store.createBucket(name, ex.query().get("project"),
        body.path("location").asText(null), body.path("storageClass").asText(null));
    ex.json(200, Resources.bucket(bucket, ex.baseUrl()));
  }

  // ---- objects ----

  private void listObjects(HttpExchange ex, String bucket) throws IOException {
    QueryParams q = ex.query();
    if (q.get("matchGlob") != null) {
      throw GcsException.notImplemented("matchGlob is not supported by the emulator; use prefix and delimiter");
    }
    Long maxResults = q.longValue("maxResults");
    if (maxResults != null && maxResults < 1) {
      throw GcsException.badRequest("Invalid value for maxResults: " + maxResults + " (must be positive)");
    }
    ObjectStore.ListPage page = store.list(bucket, new ObjectStore.ListQuery(
        q.get("prefix"), q.get("delimiter"), q.get("startOffset"), q.get("endOffset"), q.get("pageToken"),
        (int) Math.min(maxResults == null ? MAX_PAGE : maxResults, MAX_PAGE),
        Boolean.parseBoolean(q.get("includeTrailingDelimiter"))));
    ObjectNode body = Resources.JSON.createObjectNode().put("kind", "storage#objects");
    if (page.nextPageToken() != null) {
      body.put("nextPageToken", page.nextPageToken());
    }
    if (!page.prefixes().isEmpty()) {
      ArrayNode prefixes = body.putArray("prefixes");
      page.prefixes().forEach(prefixes::add);
    }
    ArrayNode items = body.putArray("items");
    page.items().forEach(o -> items.add(Resources.object(o, ex.baseUrl())));
    ex.json(200, body);
  }

  private void objectRoute(HttpExchange ex, String bucket, String object) throws IOException {
    QueryParams q = ex.query();
    Preconditions preconditions = Preconditions.from(q);
    switch (ex.method()) {
      case "GET", "HEAD" -> {
        if ("media".equals(q.get("alt"))) {
          try (ObjectStore.OpenObject open = store.open(bucket, object, q.longValue("generation"), preconditions)) {
            Downloads.send(ex, open, false);
          }
        } else {
          ex.json(200, Resources.object(store.get(bucket, object, q.longValue("generation"), preconditions), ex.baseUrl()));
        }
      }
      case "PATCH" -> ex.json(200, Resources.object(store.patch(bucket, object, ex.jsonBody(), preconditions), ex.baseUrl()));
      case "DELETE" -> {
        store.delete(bucket, object, q.longValue("generation"), preconditions);
        ex.empty(204);
      }
      case "PUT" -> throw GcsException.notImplemented("Full object updates (PUT) are not supported by the emulator; use PATCH");
      default -> throw methodNotAllowed(ex.method(), ex.rawPath());
    }
  }

  private void actionRoute(HttpExchange ex, String bucket, String object, List<String> action) throws IOException {
    if (!ex.method().equals("POST")) {
      throw methodNotAllowed(ex.method(), ex.rawPath());
    }
    QueryParams q = ex.query();
    String verb = action.get(0);
    if (verb.equals("compose")) {
      compose(ex, bucket, object);
      return;
    }
    if (action.size() < 5 || !action.get(1).equals("b") || !action.get(3).equals("o")) {
      throw GcsException.badRequest(verb + " expects .../" + verb + "/b/BUCKET/o/OBJECT");
    }
    String destinationBucket = ObjectNames.requireValidBucket(action.get(2));
    String destinationName = String.join("/", action.subList(4, action.size()));
    JsonNode body = ex.jsonBody();
    ObjectSpec overrides = hasSettableFields(body) ? ObjectSpec.fromJson(body) : null;
    StoredObject copied = store.copy(bucket, object, q.longValue("sourceGeneration"), Preconditions.sourceFrom(q),
        destinationBucket, destinationName, overrides, Preconditions.from(q));
    if (verb.equals("copyTo")) {
      ex.json(200, Resources.object(copied, ex.baseUrl()));
      return;
    }
    // The whole object is rewritten in one call, which the rewrite protocol allows (done=true).
    ex.json(200, Resources.JSON.createObjectNode()
        .put("kind", "storage#rewriteResponse")
        .put("totalBytesRewritten", Long.toString(copied.size()))
        .put("objectSize", Long.toString(copied.size()))
        .put("done", true)
        .set("resource", Resources.object(copied, ex.baseUrl())));
  }

  private static boolean hasSettableFields(JsonNode body) {
    for (String field : Arrays.asList("contentType", "contentEncoding", "contentDisposition",
        "contentLanguage", "cacheControl", "metadata")) {
      if (body.hasNonNull(field)) {
        return true;
      }
    }
    return false;
  }

  private void compose(HttpExchange ex, String bucket, String object) throws IOException {
    JsonNode body = ex.jsonBody();
    JsonNode sources = body.path("sourceObjects");
    if (!sources.isArray()) {
      throw new GcsException(400, "required", "Required field: sourceObjects");
    }
    List<ObjectStore.ComposeSource> list = new ArrayList<>();
    for (JsonNode source : sources) {
      String name = source.path("name").asText(null);
      if (name == null) {
        throw new GcsException(400, "required", "Required field: sourceObjects[].name");
      }
      list.add(new ObjectStore.ComposeSource(name, longOrNull(source.get("generation")),
          longOrNull(source.path("objectPreconditions").get("ifGenerationMatch"))));
    }
    ObjectSpec destination = ObjectSpec.fromJson(body.get("destination")).withName(object);
    StoredObject composed = store.compose(bucket, list, destination, Preconditions.from(ex.query()));
    ex.json(200, Resources.object(composed, ex.baseUrl()));
  }

  private static Long longOrNull(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return Long.parseLong(node.asText());
    } catch (NumberFormatException e) {
      throw GcsException.badRequest("Expected an integer, got '" + node.asText() + "'");
    }
  }

  // ---- uploads ----

  private void upload(HttpExchange ex, String bucket) throws IOException {
    QueryParams q = ex.query();
    String uploadId = q.get("upload_id");
    if (uploadId != null) {
      resumableSession(ex, uploadId);
      return;
    }
    if (!ex.method().equals("POST")) {
      throw methodNotAllowed(ex.method(), ex.rawPath());
    }
    String uploadType = q.get("uploadType");
    if (uploadType == null) {
      throw new GcsException(400, "required", "Required query parameter: uploadType (media, multipart or resumable)");
    }
    switch (uploadType) {
      case "media" -> mediaUpload(ex, bucket);
      case "multipart" -> multipartUpload(ex, bucket);
      case "resumable" -> startResumable(ex, bucket);
      default -> throw GcsException.badRequest("Unknown uploadType '" + uploadType + "'");
    }
  }

  private void mediaUpload(HttpExchange ex, String bucket) throws IOException {
    String name = ObjectNames.requireValidObject(ex.query().get("name"));
    store.bucket(bucket);
    ObjectSpec spec = ObjectSpec.named(name).withDefaultContentType(ex.header("Content-Type"));
    ObjectStore.Staged staged = store.stage(ex.body());
    ex.json(200, Resources.object(store.commit(bucket, spec, staged, Preconditions.from(ex.query())), ex.baseUrl()));
  }

  private void multipartUpload(HttpExchange ex, String bucket) throws IOException {
    store.bucket(bucket);
    MultipartRelated body = new MultipartRelated(ex.body(), ex.header("Content-Type"));
    if (body.firstPart() == null) {
      throw GcsException.badRequest("multipart upload without parts");
    }
    JsonNode metadata;
    try {
      metadata = Resources.JSON.readTree(new String(body.readSmallPart(), StandardCharsets.UTF_8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new GcsException(400, "parseError", "The first part of a multipart upload must be the JSON object resource");
    }
    MultipartRelated.PartHeaders media = body.nextPart();
    if (media == null) {
      throw GcsException.badRequest("multipart upload has metadata but no media part");
    }
    ObjectSpec spec = ObjectSpec.fromJson(metadata);
    if (spec.name() == null) {
      spec = spec.withName(ex.query().get("name"));
    }
    ObjectNames.requireValidObject(spec.name());
    spec = spec.withDefaultContentType(media.contentType());
    java.nio.file.Path file = store.newTempFile();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
      body.copyPart(out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    ObjectStore.Staged staged = store.stageFile(file);
    ex.json(200, Resources.object(store.commit(bucket, spec, staged, Preconditions.from(ex.query())), ex.baseUrl()));
  }

  private void startResumable(HttpExchange ex, String bucket) throws IOException {
    ObjectSpec spec = ObjectSpec.fromJson(ex.jsonBody());
    if (spec.name() == null) {
      spec = spec.withName(ex.query().get("name"));
    }
    spec = spec.withDefaultContentType(ex.header("X-Upload-Content-Type"));
    String uploadId = uploads.start(bucket, spec, Preconditions.from(ex.query()));
    ex.header("Location", ex.baseUrl() + UPLOAD + "/b/" + bucket + "/o?uploadType=resumable&upload_id=" + uploadId);
    ex.header("X-GUploader-UploadID", uploadId);
    ex.empty(200);
  }

  private void resumableSession(HttpExchange ex, String uploadId) throws IOException {
    ex.header("X-GUploader-UploadID", uploadId);
    switch (ex.method()) {
      case "PUT", "POST" -> {
        ResumableUploads.Progress progress = uploads.put(uploadId, ex);
        if (progress instanceof ResumableUploads.Complete complete) {
          ex.json(200, Resources.object(complete.object(), ex.baseUrl()));
        } else if (progress instanceof ResumableUploads.Incomplete incomplete) {
          if (incomplete.persistedBytes() > 0) {
            ex.header("Range", "bytes=0-" + (incomplete.persistedBytes() - 1));
          }
          ex.empty(308);
        }
      }
      case "DELETE" -> {
        uploads.cancel(uploadId);
        ex.empty(499);
      }
      default -> throw methodNotAllowed(ex.method(), ex.rawPath());
    }
  }

}
