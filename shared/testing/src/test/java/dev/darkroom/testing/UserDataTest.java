package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.userdata.UserData;
import dev.darkroom.core.userdata.UserDataPaths;
import dev.darkroom.core.userdata.UserDataRefusal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link UserData}'s path rules (ComfyUI's app/user_manager.py {@code get_request_user_filepath}) and the
 * limits Darkroom adds, on the in-memory store.
 */
class UserDataTest {
  private final InMemoryUserFiles files = new InMemoryUserFiles();
  /** 10 bytes a file, 25 bytes and 3 files a user. */
  private final UserData data = new UserData(files, 10, 25, 3);

  private static UserDataRefusal.Reason refusal(Runnable action) {
    try {
      action.run();
    } catch (UserDataRefusal refused) {
      return refused.reason();
    }
    throw new AssertionError("not refused");
  }

  // get_request_user_filepath: abspath(join(root, file)) and commonpath with the root; a '%' name is unquoted.
  @Test
  void pathsResolveInsideTheRootOrNotAtAll() {
    assertThat(UserDataPaths.resolve("a/./b/../c.json")).contains("a/c.json");
    assertThat(UserDataPaths.resolve("a//c.json")).contains("a/c.json");
    assertThat(UserDataPaths.resolve(".")).contains("");
    assertThat(UserDataPaths.resolve("a%2F..%2F..%2Fx")).isEmpty();
    assertThat(UserDataPaths.resolve("/etc/passwd")).isEmpty();
    assertThat(UserDataPaths.resolve("%2Fetc%2Fpasswd")).isEmpty();
    assertThat(UserDataPaths.resolve("..")).isEmpty();
    assertThat(UserDataPaths.resolve("caf%C3%A9%20x.json")).contains("caf\u00e9 x.json");
    assertThat(UserDataPaths.resolve("100%zz.json")).contains("100%zz.json");
  }

  // post_userdata's OSError (400): names the file system refuses.
  @Test
  void namesAFileSystemRefusesAreInvalid() {
    assertThat(UserDataPaths.unfitForAFile("a\u0000b")).isPresent();
    assertThat(UserDataPaths.unfitForAFile("x".repeat(256))).isPresent();
    assertThat(UserDataPaths.unfitForAFile("")).isPresent();
    assertThat(UserDataPaths.unfitForAFile("workflows/a.json")).isEqualTo(Optional.empty());
    assertThat(refusal(() -> data.write("u", "a\u0001.json", new byte[1], true))).isEqualTo(UserDataRefusal.Reason.INVALID);
  }

  @Test
  void aFileOverItsLimitIsRefusedAndNothingIsWritten() {
    assertThat(refusal(() -> data.write("u", "a.json", new byte[11], true))).isEqualTo(UserDataRefusal.Reason.TOO_LARGE);
    assertThat(files.read("u", "a.json")).isEmpty();
  }

  @Test
  void aUsersFilesTogetherStayUnderTheirLimitCountingAReplacedFileAsGone() {
    data.write("u", "a", new byte[10], true);
    data.write("u", "b", new byte[10], true);
    assertThat(refusal(() -> data.write("u", "c", new byte[6], true))).isEqualTo(UserDataRefusal.Reason.TOO_LARGE);
    data.write("u", "c", new byte[5], true);
    // Replacing b with 10 bytes again: b's old 10 do not count.
    data.write("u", "b", new byte[10], true);
    // Another user has their own allowance.
    data.write("v", "a", new byte[10], true);
  }

  @Test
  void aUserKeepsAtMostTheirNumberOfFiles() {
    data.write("u", "a", new byte[1], true);
    data.write("u", "b", new byte[1], true);
    data.write("u", "c", new byte[1], true);
    assertThat(refusal(() -> data.write("u", "d", new byte[1], true))).isEqualTo(UserDataRefusal.Reason.TOO_LARGE);
    data.write("u", "c", new byte[2], true);
    // A move neither adds a file nor bytes.
    assertThat(data.move("u", "c", "e", true).path()).isEqualTo("e");
    assertThat(files.list("u", "", 10)).extracting(f -> f.path()).containsExactly("a", "b", "e");
  }

  @Test
  void aListingReadsAtMostTheFileLimit() {
    for (int i = 0; i < 3; i++) {
      data.write("u", "d/" + i, new byte[1], true);
    }
    files.listed.set(0);
    assertThat(data.listDirectory("u", "d", false)).hasSize(3);
    assertThat(files.listed.get()).isLessThanOrEqualTo(3);
    assertThatThrownBy(() -> data.listDirectory("u", "missing", false)).isInstanceOf(UserDataRefusal.class);
  }
}
