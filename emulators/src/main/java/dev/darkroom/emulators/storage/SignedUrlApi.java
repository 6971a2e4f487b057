package dev.darkroom.emulators.storage;

import java.io.IOException;
import java.util.Locale;

/**
 * The XML API path {@code /BUCKET/OBJECT} as V4 signed URLs use it, only with a valid signature
 * since the emulator has no public objects: {@code GET} and {@code HEAD} read; a {@code POST} with
 * {@code x-goog-resumable: start} starts a resumable upload ({@code 201}, the session URI in
 * {@code Location}) whose size must be within {@code x-goog-content-length-range} if that was
 * sent. The session URI ({@code ?upload_id=}) needs no signature, as in GCS: it is the credential.
 * {@code PUT} sends bytes to it ({@code 308} while incomplete, {@code 200} when the object exists),
 * {@code DELETE} cancels it.
 */
final class SignedUrlApi {
  private final ObjectStore store;
  private final SignedUrlVerifier verifier;
  private final ResumableUploads uploads;

  SignedUrlApi(ObjectStore store, SignedUrlVerifier verifier, ResumableUploads uploads) {
    this.store = store;
    this.verifier = verifier;
    this.uploads = uploads;
  }

  void handle(HttpExchange ex) throws IOException {
    String method = ex.method();
    String uploadId = ex.query().get("upload_id");
    if (uploadId != null) {
      session(ex, uploadId);
      return;
    }
    boolean startsUpload = method.equals("POST") && "start".equals(ex.header("x-goog-resumable"));
    if (!method.equals("GET") && !method.equals("HEAD") && !startsUpload) {
      throw new XmlApiException(405, "MethodNotAllowed", "The emulator serves signed URLs for GET, HEAD and"
          + " POST with x-goog-resumable: start only.", null);
    }
    String path = ex.rawPath();
    int slash = path.indexOf('/', 1);
    if (slash < 0 || slash == path.length() - 1) {
      throw new XmlApiException(400, "InvalidArgument", "Invalid argument.",
          "Expected /BUCKET/OBJECT; bucket listings over the XML API are not supported by the emulator");
    }
    if (!SignedUrlVerifier.looksSigned(ex.query())) {
      throw new XmlApiException(403, "AccessDenied", "Access denied.",
          "Anonymous caller does not have storage.objects." + (startsUpload ? "create" : "get")
              + " access: the emulator serves /BUCKET/OBJECT only through V4 signed URLs");
    }
    try {
      String bucket = ObjectNames.requireValidBucket(UriEncoding.decodePath(path.substring(1, slash)));
      String object = ObjectNames.requireValidObject(UriEncoding.decodePath(path.substring(slash + 1)));
      verifier.verify(new SignedUrlVerifier.SignedRequest(method, path, ex.query(),
          name -> ex.header(name.toLowerCase(Locale.ROOT))));
      if (startsUpload) {
        String id = uploads.start(bucket, ObjectSpec.named(object).withDefaultContentType(ex.header("Content-Type")),
            Preconditions.NONE, ResumableUploads.LengthRange.parse(ex.header("x-goog-content-length-range")));
        ex.header("Location", ex.baseUrl() + path + "?upload_id=" + id);
        ex.header("X-GUploader-UploadID", id);
        ex.empty(201);
        return;
      }
      try (ObjectStore.OpenObject open = store.open(bucket, object, null, Preconditions.NONE)) {
        Downloads.send(ex, open, true);
      }
    } catch (GcsException e) {
      throw XmlApiException.from(e);
    }
  }

  private void session(HttpExchange ex, String uploadId) throws IOException {
    ex.header("X-GUploader-UploadID", uploadId);
    try {
      switch (ex.method()) {
        case "PUT", "POST" -> {
          ResumableUploads.Progress progress = uploads.put(uploadId, ex);
          if (progress instanceof ResumableUploads.Complete complete) {
            ex.header("ETag", "\"" + complete.object().generation() + "\"");
            ex.header("x-goog-generation", Long.toString(complete.object().generation()));
            ex.empty(200);
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
        default -> throw new XmlApiException(405, "MethodNotAllowed", "An upload session takes PUT or DELETE.", null);
      }
    } catch (GcsException e) {
      throw XmlApiException.from(e);
    }
  }
}
