package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.BlobId;
import dev.darkroom.core.port.UserFiles;
import dev.darkroom.testing.UserFilesContract;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Cloud Storage adapter passes the same contract as the in-memory fake, on our emulator. */
class GcsUserFilesIT extends UserFilesContract {

  @Override
  protected UserFiles store() {
    return SharedLocalCloud.adapters().userFiles();
  }

  /** Where a file lives: under the user's own prefix of the bucket, the id encoded so none spells another's. */
  @Test
  void aFileIsAnObjectUnderTheUsersEncodedPrefix() {
    String user = "a/b-" + UUID.randomUUID();
    store().write(user, "workflows/x.json", "{}".getBytes(StandardCharsets.UTF_8));
    String object = "userdata/" + user.replace("/", "%2F") + "/workflows/x.json";
    assertThat(SharedLocalCloud.adapters().clients().storage().get(BlobId.of("darkroom-adapter-tests", object)))
        .isNotNull();
    assertThat(store().list("a", "", 10)).isEmpty();
  }

  /** A listing of more files than one page holds still stops at the caller's limit. */
  @Test
  void aListingPastOnePageStopsAtTheLimit() {
    String user = "many-" + UUID.randomUUID();
    for (int i = 0; i < 5; i++) {
      store().write(user, "f" + i + ".json", new byte[] {(byte) i});
    }
    assertThat(new GcsUserFiles(SharedLocalCloud.adapters().clients().storage(), "darkroom-adapter-tests")
        .list(user, "", 3)).hasSize(3);
  }
}
