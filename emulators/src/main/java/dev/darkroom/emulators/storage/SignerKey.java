package dev.darkroom.emulators.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The local "service account" that signs URLs: a key file in the format
 * {@code ServiceAccountCredentials.fromStream} reads, so code signs locally exactly as it signs
 * with a real service account. Kept in the data directory so URLs signed before a restart stay
 * valid after it.
 */
record SignerKey(Path file, String clientEmail, String privateKeyId, RSAPublicKey publicKey) {
  static final String CLIENT_EMAIL = "local-signer@darkroom-local.iam.gserviceaccount.com";
  private static final String PROJECT = "darkroom-local";

  static SignerKey loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      return load(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the signer key " + file, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("unusable signer key " + file + "; delete it to get a new one", e);
    }
  }

  private static void create(Path file) throws IOException, GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    SecureRandom random = new SecureRandom();
    byte[] keyId = new byte[20];
    random.nextBytes(keyId);
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    ObjectNode json = new ObjectMapper().createObjectNode()
        .put("type", "service_account")
        .put("project_id", PROJECT)
        .put("private_key_id", HexFormat.of().formatHex(keyId))
        .put("private_key", pem)
        .put("client_email", CLIENT_EMAIL)
        .put("client_id", Long.toString(100_000_000_000_000_000L + Math.floorMod(random.nextLong(), 800_000_000_000_000_000L)))
        .put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
        .put("token_uri", "https://oauth2.googleapis.com/token")
        .put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs")
        .put("universe_domain", "googleapis.com");
    Files.createDirectories(file.getParent());
    Path temp = Files.createTempFile(file.getParent(), ".signer-", ".tmp");
    try {
      trySetOwnerOnly(temp);
      Files.write(temp, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void trySetOwnerOnly(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException ignored) {
      // not a POSIX file system: the key is a throwaway local key anyway
    }
  }

  private static SignerKey load(Path file) throws IOException, GeneralSecurityException {
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    String pem = json.path("private_key").asText();
    String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    KeyFactory rsa = KeyFactory.getInstance("RSA");
    RSAPrivateCrtKey privateKey =
        (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    RSAPublicKey publicKey = (RSAPublicKey) rsa.generatePublic(
        new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
    return new SignerKey(file, json.path("client_email").asText(), json.path("private_key_id").asText(), publicKey);
  }
}
