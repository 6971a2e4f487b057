package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.port.OutputStore;
import dev.darkroom.core.port.OutputStore.StoredObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link OutputStore} must do. */
public abstract class OutputStoreContract {

  protected abstract OutputStore store();

  /** Reads what a signed URL grants, as a client holding it would. */
  protected abstract byte[] fetch(URI signedUrl) throws Exception;

  private static byte[] bytes(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return data;
  }

  @Test
  void storedBytesAreDescribedByTypeSizeAndSha256() throws Exception {
    byte[] data = bytes(300_000);
    String name = "outputs/alice/" + UUID.randomUUID() + "/x_00001_.png";
    StoredObject stored = store().put(name, "image/png", new ByteArrayInputStream(data));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    assertThat(stored).isEqualTo(new StoredObject(name, "image/png", data.length, sha));
    assertThat(store().stat(name)).contains(stored);
  }

  @Test
  void aMissingObjectHasNoStat() {
    assertThat(store().stat("outputs/nobody/" + UUID.randomUUID())).isEmpty();
    assertThat(store().read("outputs/nobody/" + UUID.randomUUID())).isEmpty();
  }

  @Test
  void storedBytesAreReadBackExactly() {
    byte[] data = bytes(70_000);
    String name = "inputs/alice/" + UUID.randomUUID() + "/a b.png";
    store().put(name, "image/png", new ByteArrayInputStream(data));
    assertThat(store().read(name)).hasValueSatisfying(read -> assertThat(read).isEqualTo(data));
  }

  @Test
  void aSignedUrlReadsExactlyThatObject() throws Exception {
    byte[] data = bytes(4096);
    String name = "outputs/alice/" + UUID.randomUUID() + "/sub dir/ä b.png";
    store().put(name, "image/png", new ByteArrayInputStream(data));
    assertThat(fetch(store().signedReadUrl(name, Duration.ofMinutes(5)))).isEqualTo(data);
  }

  @Test
  void writingAgainReplacesTheObject() throws Exception {
    String name = "outputs/alice/" + UUID.randomUUID() + "/x.png";
    store().put(name, "image/png", new ByteArrayInputStream(bytes(10)));
    StoredObject second = store().put(name, "image/webp", new ByteArrayInputStream(bytes(20)));
    assertThat(store().stat(name)).contains(second);
    assertThat(fetch(store().signedReadUrl(name, Duration.ofMinutes(5)))).isEqualTo(bytes(20));
  }
}
