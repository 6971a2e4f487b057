package dev.darkroom.gcp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets Darkroom must keep readable (webhook signing secrets, which sign every delivery)
 * before they go into the database: AES-256-GCM under a key from Secret Manager, bound to the row
 * they belong to (the associated data), so a copy of the database alone reveals none of them and a
 * sealed value moved to another row does not open. Sealed text: {@code v1:<base64(nonce ‖ ciphertext)>}.
 */
public final class SecretSealer {
  private static final String VERSION = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  /** The smallest key material accepted; it is hashed to the AES key. */
  public static final int MIN_KEY_BYTES = 32;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  /** @param keyMaterial at least 32 bytes of secret (Secret Manager), hashed with SHA-256 to the AES key */
  public SecretSealer(byte[] keyMaterial) {
    if (keyMaterial.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("the sealing key must be at least " + MIN_KEY_BYTES + " bytes");
    }
    try {
      key = new SecretKeySpec(MessageDigest.getInstance("SHA-256").digest(keyMaterial), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  public String seal(String secret, String boundTo) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed = cipher(Cipher.ENCRYPT_MODE, nonce, boundTo).doFinalUnchecked(secret.getBytes(StandardCharsets.UTF_8));
    byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
    System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
    return VERSION + Base64.getEncoder().encodeToString(out);
  }

  /** @throws IllegalStateException when the value was not sealed by this key for {@code boundTo} */
  public String open(String sealed, String boundTo) {
    if (!sealed.startsWith(VERSION)) {
      throw new IllegalStateException("a secret of " + boundTo + " is not sealed (" + VERSION + "…)");
    }
    byte[] in;
    try {
      in = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("a sealed secret of " + boundTo + " is not base64");
    }
    if (in.length <= NONCE_BYTES) {
      throw new IllegalStateException("a sealed secret of " + boundTo + " is truncated");
    }
    byte[] opened = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(in, NONCE_BYTES), boundTo)
        .doFinalUnchecked(Arrays.copyOfRange(in, NONCE_BYTES, in.length));
    return new String(opened, StandardCharsets.UTF_8);
  }

  private Gcm cipher(int mode, byte[] nonce, String boundTo) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
      return new Gcm(cipher, boundTo);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  private record Gcm(Cipher cipher, String boundTo) {
    byte[] doFinalUnchecked(byte[] input) {
      try {
        return cipher.doFinal(input);
      } catch (javax.crypto.AEADBadTagException e) {
        throw new IllegalStateException("a sealed secret of " + boundTo
            + " does not open with this key (another key, or moved from another row)");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("sealing a secret of " + boundTo + " failed: " + e.getMessage(), e);
      }
    }
  }
}
