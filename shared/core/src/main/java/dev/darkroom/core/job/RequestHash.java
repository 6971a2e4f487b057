package dev.darkroom.core.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash an {@code Idempotency-Key} is bound to: SHA-256 of the request as canonical JSON (object
 * keys sorted, no insignificant whitespace), so the same request re-sent with its keys in another
 * order is the same request, and any other request under the key is refused.
 */
public final class RequestHash {
  /** Writes a JSON tree with object keys sorted: the canonical form. */
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);

  private RequestHash() {}

  /** The hash of a request body ({@code POST /api/v2/jobs}). */
  public static String of(JsonNode body) {
    try {
      return sha256(CANONICAL.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed body cannot be written as JSON", e);
    }
  }

  /**
   * The hash of a deployment run ({@code {inputs?, version?}}) of the deployment {@code name}: the
   * same body for another deployment is another request. A run over HTTPS and one published as a
   * message hash alike, so the same key and run by either way is one job.
   */
  public static String ofRun(String name, JsonNode body) {
    return sha256(name + "\u0000" + of(body));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
