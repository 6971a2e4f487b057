package dev.darkroom.core.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks symmetric signatures: {@code v1,} + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))
 * where the key is the base64 part of a {@code whsec_} secret. Several secrets (a rotation window)
 * give several space-separated signatures; a receiver accepts the request if any one matches.
 */
public final class WebhookSignature {
  public static final String SECRET_PREFIX = "whsec_";

  private WebhookSignature() {}

  /** The {@code webhook-signature} header value: one {@code v1,} signature per secret. */
  public static String header(List<String> secrets, String id, long timestamp, byte[] body) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("a webhook endpoint needs at least one secret");
    }
    List<String> signatures = new ArrayList<>();
    for (String secret : secrets) {
      signatures.add(sign(secret, id, timestamp, body));
    }
    return String.join(" ", signatures);
  }

  public static String sign(String secret, String id, long timestamp, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(hmac(key(secret), id, timestamp, body));
  }

  /**
   * Whether {@code header} carries a valid {@code v1} signature by {@code secret} (constant-time
   * comparison). The receiver also checks the timestamp's age; see {@link #verify(String, String, String, String, byte[], long, long)}.
   */
  public static boolean matches(String secret, String header, String id, long timestamp, byte[] body) {
    byte[] expected = hmac(key(secret), id, timestamp, body);
    for (String candidate : header.trim().split(" +")) {
      int comma = candidate.indexOf(',');
      if (comma < 0 || !candidate.substring(0, comma).equals("v1")) {
        continue;
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(candidate.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What a receiver does with the three headers: the signature must match and the timestamp be
   * within {@code toleranceSeconds} of {@code nowSeconds} (replay protection).
   */
  public static boolean verify(String secret, String idHeader, String timestampHeader, String signatureHeader,
                               byte[] body, long nowSeconds, long toleranceSeconds) {
    if (idHeader == null || timestampHeader == null || signatureHeader == null) {
      return false;
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(timestampHeader.trim());
    } catch (NumberFormatException e) {
      return false;
    }
    return Math.abs(nowSeconds - timestamp) <= toleranceSeconds
        && matches(secret, signatureHeader, idHeader, timestamp, body);
  }

  /** The key bytes of a {@code whsec_} secret (the prefix is optional, as in the reference libraries). */
  static byte[] key(String secret) {
    String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
    try {
      return Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a webhook secret is " + SECRET_PREFIX + " followed by base64", e);
    }
  }

  /** A fresh secret: 32 random bytes, as Standard Webhooks recommends (24 to 64). */
  public static String newSecret(java.security.SecureRandom random) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  private static byte[] hmac(byte[] key, String id, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }
}
