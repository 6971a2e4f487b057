package dev.darkroom.emulators.storage;

import java.io.IOException;
import java.util.Locale;

/**
 * The XML API path {@code /BUCKET/OBJECT} as V4 signed URLs use it: GET and HEAD only, and only
 * with a valid signature, since the emulator has no public objects.
 */
final class SignedUrlApi {
  private final ObjectStore store;
  private final SignedUrlVerifier verifier;

  SignedUrlApi(ObjectStore store, SignedUrlVerifier verifier) {
    this.store = store;
    this.verifier = verifier;
  }

  void handle(HttpExchange ex) throws IOException {
    String method = ex.method();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw new XmlApiException(405, "MethodNotAllowed", "The emulator serves signed URLs for GET and HEAD only.", null);
    }
    String path = ex.rawPath();
    int slash = path.indexOf('/', 1);
    if (slash < 0 || slash == path.length() - 1) {
      throw new XmlApiException(400, "InvalidArgument", "Invalid argument.",
          "Expected /BUCKET/OBJECT; bucket listings over the XML API are not supported by the emulator");
    }
    if (!SignedUrlVerifier.looksSigned(ex.query())) {
      throw new XmlApiException(403, "AccessDenied", "Access denied.",
          "Anonymous caller does not have storage.objects.get access: the emulator serves /BUCKET/OBJECT only"
              + " through V4 signed URLs");
    }
    try {
      String bucket = ObjectNames.requireValidBucket(UriEncoding.decodePath(path.substring(1, slash)));
      String object = ObjectNames.requireValidObject(UriEncoding.decodePath(path.substring(slash + 1)));
      verifier.verify(new SignedUrlVerifier.SignedRequest(method, path, ex.query(),
          name -> ex.header(name.toLowerCase(Locale.ROOT))));
      try (ObjectStore.OpenObject open = store.open(bucket, object, null, Preconditions.NONE)) {
        Downloads.send(ex, open, true);
      }
    } catch (GcsException e) {
      throw XmlApiException.from(e);
    }
  }
}
