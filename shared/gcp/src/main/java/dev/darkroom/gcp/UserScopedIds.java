package dev.darkroom.gcp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The document id of something a user names ({@code idempotency_keys}, {@code deployments}): hex
 * SHA-256 of the user id and the name, separated by a byte neither can hold. Any name (slashes,
 * any length) makes a valid document id, users' names never collide, and the name itself is not
 * the id. Stored ids depend on it: it must not change.
 */
final class UserScopedIds {
  private UserScopedIds() {}

  static String of(String userId, String name) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(userId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
