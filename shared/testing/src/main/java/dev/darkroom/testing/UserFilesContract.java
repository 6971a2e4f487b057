package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.UserFiles;
import dev.darkroom.core.port.UserFiles.UserFile;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UserFiles} must do, the in-memory fake and the Cloud Storage prefix alike: a
 * user's files read back byte for byte, listed in path order under a directory, and never another's.
 */
public abstract class UserFilesContract {

  /** A store; each test uses users of its own. */
  protected abstract UserFiles store();

  private static String user() {
    return "user-" + UUID.randomUUID();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aWrittenFileReadsBackWithItsSize() {
    UserFiles store = store();
    String user = user();
    UserFile written = store.write(user, "workflows/caf\u00e9 1.json", bytes("{\"a\":1}"));
    assertThat(written.path()).isEqualTo("workflows/caf\u00e9 1.json");
    assertThat(written.size()).isEqualTo(7);
    assertThat(store.read(user, "workflows/caf\u00e9 1.json")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("{\"a\":1}")));
    assertThat(store.stat(user, "workflows/caf\u00e9 1.json")).hasValueSatisfying(f -> {
      assertThat(f.size()).isEqualTo(7);
      assertThat(f.modified()).isNotNull();
      assertThat(f.created()).isNotNull();
    });
  }

  @Test
  void writingAgainReplacesTheContent() {
    UserFiles store = store();
    String user = user();
    store.write(user, "a.json", bytes("first"));
    store.write(user, "a.json", bytes("2"));
    assertThat(store.read(user, "a.json")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("2")));
    assertThat(store.list(user, "", 10)).extracting(UserFile::path).containsExactly("a.json");
  }

  @Test
  void aMissingFileIsEmptyAndDeletingItSaysSo() {
    UserFiles store = store();
    String user = user();
    assertThat(store.read(user, "none.json")).isEmpty();
    assertThat(store.stat(user, "none.json")).isEmpty();
    assertThat(store.delete(user, "none.json")).isFalse();
    store.write(user, "one.json", bytes("1"));
    assertThat(store.delete(user, "one.json")).isTrue();
    assertThat(store.read(user, "one.json")).isEmpty();
  }

  @Test
  void aDirectoryListsEveryFileUnderItInPathOrderUpToTheLimit() {
    UserFiles store = store();
    String user = user();
    store.write(user, "workflows/b.json", bytes("b"));
    store.write(user, "workflows/a.json", bytes("a"));
    store.write(user, "workflows/sub/c.json", bytes("c"));
    store.write(user, "workflowsX.json", bytes("x"));
    store.write(user, "comfy.settings.json", bytes("{}"));
    assertThat(store.list(user, "workflows", 10)).extracting(UserFile::path)
        .containsExactly("workflows/a.json", "workflows/b.json", "workflows/sub/c.json");
    assertThat(store.list(user, "workflows", 2)).extracting(UserFile::path)
        .containsExactly("workflows/a.json", "workflows/b.json");
    assertThat(store.list(user, "", 10)).extracting(UserFile::path).containsExactly("comfy.settings.json",
        "workflows/a.json", "workflows/b.json", "workflows/sub/c.json", "workflowsX.json");
    assertThat(store.list(user, "workflows/a.json", 10)).isEmpty();
  }

  @Test
  void oneUsersFilesAreNotAnothers() {
    UserFiles store = store();
    String owner = user();
    String other = user();
    store.write(owner, "secret.json", bytes("mine"));
    assertThat(store.read(other, "secret.json")).isEmpty();
    assertThat(store.stat(other, "secret.json")).isEmpty();
    assertThat(store.list(other, "", 10)).isEmpty();
    assertThat(store.delete(other, "secret.json")).isFalse();
    assertThat(store.read(owner, "secret.json")).isPresent();
  }

  @Test
  void aUserWhoseIdPrefixesAnothersSeesNoneOfTheirs() {
    UserFiles store = store();
    String owner = user();
    store.write(owner + "x", "a.json", bytes("theirs"));
    assertThat(store.list(owner, "", 10)).isEmpty();
    assertThat(store.read(owner, "x/a.json")).isEmpty();
  }
}
