package dev.darkroom.gcp;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.auth.FirebaseAuth;
import com.google.firebase.auth.FirebaseAuthException;
import com.google.firebase.internal.FirebaseProcessEnvironment;
import dev.darkroom.core.port.AccountDirectory;
import dev.darkroom.emulators.firebase.FirebaseAuthEmulator;
import dev.darkroom.testing.AccountDirectoryContract;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link FirebaseAccountDirectory} against firebase-tools' Auth emulator, with the Admin SDK in
 * emulator mode (set as {@link FirebaseIdTokenVerifierIT} does): real users, claims, disabling,
 * revocations and deletions.
 */
class FirebaseAccountDirectoryIT extends AccountDirectoryContract {
  private static final String PROJECT = "demo-darkroom-accounts";

  private static FirebaseAuthEmulator emulator;
  private static FirebaseApp app;

  @BeforeAll
  static void startEmulator() {
    emulator = FirebaseAuthEmulator.start(0, PROJECT);
    FirebaseProcessEnvironment.setenv(FirebaseAuthEmulator.HOST_VARIABLE, emulator.hostPort());
    app = FirebaseApp.initializeApp(FirebaseOptions.builder()
        // Any credentials: in emulator mode the SDK sends the emulator's own ("owner").
        .setCredentials(GoogleCredentials.create(new AccessToken("unused", new Date(Long.MAX_VALUE / 2))))
        .setProjectId(PROJECT)
        .build(), "accounts-it-" + System.nanoTime());
  }

  @AfterAll
  static void stopEmulator() {
    if (app != null) {
      app.delete();
    }
    FirebaseProcessEnvironment.clearCache();
    if (emulator != null) {
      emulator.close();
    }
  }

  @Override
  protected AccountDirectory directory() {
    return new FirebaseAccountDirectory(FirebaseAuth.getInstance(app));
  }

  @Override
  protected String newUser() {
    return emulator.createUser("u-" + UUID.randomUUID() + "@example.com", "not-a-secret-1").uid();
  }

  @Override
  protected void setTier(String userId, String tier) {
    emulator.setCustomClaims(userId, Map.of("tier", tier));
  }

  @Override
  protected void makeAdmin(String userId) {
    emulator.setCustomClaims(userId, Map.of("admin", true));
  }

  @Override
  protected void disable(String userId) {
    emulator.disableUser(userId);
  }

  @Override
  protected void revokeSessions(String userId) {
    emulator.revokeSessions(userId);
  }

  @Override
  protected void delete(String userId) {
    try {
      FirebaseAuth.getInstance(app).deleteUser(userId);
    } catch (FirebaseAuthException e) {
      throw new IllegalStateException("the emulator did not delete " + userId, e);
    }
  }
}
