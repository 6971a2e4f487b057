package dev.darkroom.emulators.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Checks a V4 signed URL (GOOG4-RSA-SHA256) the way GCS does: rebuild the canonical request and
 * string-to-sign from the request as received, verify the RSA signature with the public key of
 * the signer named in {@code X-Goog-Credential}, and check the validity window.
 */
final class SignedUrlVerifier {
  static final String ALGORITHM = "GOOG4-RSA-SHA256";
  private static final DateTimeFormatter GOOG_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final long MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
  private static final String SIGNATURE_MISMATCH =
      "The request signature we calculated does not match the signature you provided. Check your"
          + " Google secret key and signing method.";

  private final Map<String, RSAPublicKey> signers;
  private final Clock clock;

  /** What the verifier needs of an HTTP request; {@code header} takes a lower-case name. */
  record SignedRequest(String method, String rawPath, QueryParams query, UnaryOperator<String> header) {}

  SignedUrlVerifier(Map<String, RSAPublicKey> signersByEmail, Clock clock) {
    this.signers = Map.copyOf(signersByEmail);
    this.clock = clock;
  }

  static boolean looksSigned(QueryParams query) {
    return query.has("X-Goog-Signature") || query.has("X-Goog-Algorithm") || query.has("X-Goog-Credential");
  }

  /** Returns normally if the URL is valid now; throws {@link XmlApiException} otherwise. */
  void verify(SignedRequest request) {
    QueryParams query = request.query();
    String algorithm = required(query, "X-Goog-Algorithm");
    if (!ALGORITHM.equals(algorithm)) {
      throw invalid("Unsupported X-Goog-Algorithm '" + algorithm + "': the emulator checks only " + ALGORITHM);
    }
    String credential = required(query, "X-Goog-Credential");
    String dateText = required(query, "X-Goog-Date");
    String expiresText = required(query, "X-Goog-Expires");
    String signedHeaders = required(query, "X-Goog-SignedHeaders");
    String signatureHex = required(query, "X-Goog-Signature");

    String[] scope = credential.split("/");
    if (scope.length != 5 || !"goog4_request".equals(scope[4])) {
      throw invalid("X-Goog-Credential must be <email>/<yyyymmdd>/<location>/storage/goog4_request");
    }
    Instant signedAt;
    try {
      signedAt = Instant.from(GOOG_DATE.parse(dateText));
    } catch (DateTimeParseException e) {
      throw invalid("X-Goog-Date must look like 20240131T235959Z, got '" + dateText + "'");
    }
    if (!dateText.startsWith(scope[1])) {
      throw invalid("The date in X-Goog-Credential does not match X-Goog-Date");
    }
    long expires;
    try {
      expires = Long.parseLong(expiresText);
    } catch (NumberFormatException e) {
      throw invalid("X-Goog-Expires must be a number of seconds, got '" + expiresText + "'");
    }
    if (expires < 1 || expires > MAX_EXPIRES_SECONDS) {
      throw invalid("X-Goog-Expires must be between 1 and 604800 seconds, got " + expires);
    }
    Instant expiresAt = signedAt.plusSeconds(expires);
    if (!clock.instant().isBefore(expiresAt)) {
      throw new XmlApiException(400, "ExpiredToken", "Invalid argument.",
          "The provided token has expired. Request signature expired at: " + expiresAt);
    }
    RSAPublicKey key = signers.get(scope[0]);
    if (key == null) {
      throw new XmlApiException(403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH,
          "Unknown signer '" + scope[0] + "': the emulator knows only " + signers.keySet());
    }
    byte[] signature;
    try {
      signature = HexFormat.of().parseHex(signatureHex);
    } catch (IllegalArgumentException e) {
      signature = null;
    }
    String credentialScope = String.join("/", scope[1], scope[2], scope[3], scope[4]);
    String firstStringToSign = null;
    String firstCanonical = null;
    for (String method : methodsFor(request.method())) {
      String canonical = canonicalRequest(method, request, signedHeaders);
      String stringToSign = ALGORITHM + "\n" + dateText + "\n" + credentialScope + "\n" + sha256Hex(canonical);
      if (firstStringToSign == null) {
        firstStringToSign = stringToSign;
        firstCanonical = canonical;
      }
      if (signature != null && rsaVerifies(key, stringToSign, signature)) {
        return;
      }
    }
    throw new XmlApiException(403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH, null,
        firstStringToSign, firstCanonical);
  }

  /** A HEAD on a URL signed for GET is how clients probe size and type before downloading. */
  private static List<String> methodsFor(String method) {
    return "HEAD".equals(method) ? List.of("HEAD", "GET") : List.of(method);
  }

  private static String canonicalRequest(String method, SignedRequest request, String signedHeaders) {
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, List<String>> param : request.query().all().entrySet()) {
      if (!param.getKey().equals("X-Goog-Signature")) {
        for (String value : param.getValue()) {
          names.add(UriEncoding.encode(param.getKey()) + "=" + UriEncoding.encode(value));
        }
      }
    }
    names.sort(null);
    StringBuilder headers = new StringBuilder();
    for (String name : signedHeaders.split(";")) {
      String value = request.header().apply(name);
      headers.append(name).append(':').append(value == null ? "" : value.trim().replaceAll("\\s+", " ")).append('\n');
    }
    String payload = request.header().apply("x-goog-content-sha256");
    return String.join("\n",
        method,
        UriEncoding.encodePath(UriEncoding.decodePath(request.rawPath())),
        String.join("&", names),
        headers.toString(),
        signedHeaders,
        payload == null ? "UNSIGNED-PAYLOAD" : payload);
  }

  private static boolean rsaVerifies(RSAPublicKey key, String stringToSign, byte[] signature) {
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(key);
      rsa.update(stringToSign.getBytes(StandardCharsets.UTF_8));
      return rsa.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String required(QueryParams query, String name) {
    String value = query.get(name);
    if (value == null || value.isEmpty()) {
      throw invalid("Missing query parameter " + name + " of a V4 signed URL");
    }
    return value;
  }

  private static XmlApiException invalid(String details) {
    return new XmlApiException(400, "InvalidArgument", "Invalid argument.", details);
  }
}
