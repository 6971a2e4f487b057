package dev.darkroom.emulators.firebase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.emulators.firebase.FirebaseAuthEmulator.SignedInUser;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirebaseAuthEmulatorIT {
  private static final String PROJECT = "demo-darkroom-auth";
  private static final String PASSWORD = "not-a-secret-1";

  private static FirebaseAuthEmulator emulator;

  @BeforeAll
  static void start() {
    emulator = FirebaseAuthEmulator.start(0, PROJECT);
  }

  /** Closing leaves no process of the CLI's tree, no listener and no files behind. */
  @AfterAll
  static void closeLeavesNothingBehind() {
    if (emulator == null) {
      return;
    }
    List<ProcessHandle> tree = new ArrayList<>();
    ProcessHandle.of(emulator.pid()).ifPresent(root -> {
      tree.add(root);
      root.descendants().forEach(tree::add);
    });
    assertThat(tree).isNotEmpty().allMatch(ProcessHandle::isAlive);

    emulator.close();
    emulator.close();

    assertThat(tree).noneMatch(ProcessHandle::isAlive);
    assertThat(Files.exists(emulator.workDir())).isFalse();
    assertThatThrownBy(() -> new Socket("127.0.0.1", emulator.port()).close()).isInstanceOf(IOException.class);
  }

  private static SignedInUser newUser() {
    return emulator.createUser("u-" + UUID.randomUUID() + "@example.com", PASSWORD);
  }

  @Test
  void environmentNamesTheVariableTheAdminSdkReads() {
    assertThat(emulator.environment())
        .containsExactly(Map.entry("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:" + emulator.port()));
  }

  @Test
  void aNewUserGetsAnUnsignedIdTokenOfTheProject() throws IOException {
    SignedInUser user = newUser();

    assertThat(user.uid()).isNotBlank();
    assertThat(header(user.idToken()).path("alg").asText()).isEqualTo("none");
    JsonNode claims = FirebaseAuthEmulator.claimsOf(user.idToken());
    assertThat(claims.path("sub").asText()).isEqualTo(user.uid());
    assertThat(claims.path("aud").asText()).isEqualTo(PROJECT);
    assertThat(claims.path("iss").asText()).isEqualTo("https://securetoken.google.com/" + PROJECT);
    assertThat(claims.path("exp").asLong()).isGreaterThan(Instant.now().getEpochSecond());
    assertThat(user.toString()).doesNotContain(user.idToken());
  }

  @Test
  void customClaimsAreInTheNextSignInsToken() {
    SignedInUser user = newUser();

    emulator.setCustomClaims(user.uid(), Map.of("tier", "pro"));
    SignedInUser again = emulator.signIn(user.email(), PASSWORD);

    assertThat(FirebaseAuthEmulator.claimsOf(user.idToken()).has("tier")).isFalse();
    assertThat(FirebaseAuthEmulator.claimsOf(again.idToken()).path("tier").asText()).isEqualTo("pro");
    assertThat(again.uid()).isEqualTo(user.uid());
  }

  @Test
  void revokingSessionsDatesThemAfterEveryEarlierToken() {
    SignedInUser user = newUser();
    long issuedAt = FirebaseAuthEmulator.claimsOf(user.idToken()).path("iat").asLong();

    emulator.revokeSessions(user.uid());
    SignedInUser again = emulator.signIn(user.email(), PASSWORD);

    long validSince = emulator.account(user.uid()).path("validSince").asLong();
    assertThat(validSince).isGreaterThan(issuedAt);
    assertThat(FirebaseAuthEmulator.claimsOf(again.idToken()).path("iat").asLong()).isGreaterThanOrEqualTo(validSince);
  }

  @Test
  void aDisabledUserCannotSignIn() {
    SignedInUser user = newUser();

    emulator.disableUser(user.uid());

    assertThat(emulator.account(user.uid()).path("disabled").asBoolean()).isTrue();
    assertThatThrownBy(() -> emulator.signIn(user.email(), PASSWORD))
        .hasMessageContaining("USER_DISABLED")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void anExpiredCopyKeepsEverythingButTheTimes() throws IOException {
    SignedInUser user = newUser();

    String expired = emulator.expiredCopyOf(user.idToken());

    JsonNode original = FirebaseAuthEmulator.claimsOf(user.idToken());
    JsonNode claims = FirebaseAuthEmulator.claimsOf(expired);
    long now = Instant.now().getEpochSecond();
    assertThat(claims.path("exp").asLong()).isLessThan(now - 600);
    assertThat(claims.path("iat").asLong()).isLessThan(claims.path("exp").asLong());
    assertThat(claims.path("sub")).isEqualTo(original.path("sub"));
    assertThat(claims.path("aud")).isEqualTo(original.path("aud"));
    assertThat(claims.path("firebase")).isEqualTo(original.path("firebase"));
    assertThat(header(expired)).isEqualTo(header(user.idToken()));
  }

  @Test
  void aCopyForAnotherProjectNamesItAsAudienceAndIssuer() {
    SignedInUser user = newUser();

    JsonNode claims = FirebaseAuthEmulator.claimsOf(emulator.copyForProject(user.idToken(), "demo-elsewhere"));

    assertThat(claims.path("aud").asText()).isEqualTo("demo-elsewhere");
    assertThat(claims.path("iss").asText()).isEqualTo("https://securetoken.google.com/demo-elsewhere");
    assertThat(claims.path("sub").asText()).isEqualTo(user.uid());
  }

  @Test
  void deletingAllUsersForgetsThem() {
    SignedInUser user = newUser();

    emulator.deleteAllUsers();

    assertThat(emulator.account(user.uid()).isMissingNode()).isTrue();
  }

  private static JsonNode header(String jwt) throws IOException {
    return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt.substring(0, jwt.indexOf('.'))));
  }

  @Test
  void theCliIsLookedForInTheRepositoryAndItsAbsenceSaysHowToInstallIt(@TempDir Path dir)
      throws IOException {
    assertThat(FirebaseTools.cli().toString()).endsWith("/.ci/tools/node_modules/.bin/firebase");

    Files.writeString(dir.resolve("darkroom"), "");
    Files.writeString(dir.resolve("pom.xml"), "");
    assertThatThrownBy(() -> FirebaseTools.cli(dir.resolve("emulators").toAbsolutePath()))
        .hasMessageContaining("./darkroom test").hasMessageContaining("npm ci");
  }
}
