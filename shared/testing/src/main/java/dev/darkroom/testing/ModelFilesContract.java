package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.darkroom.core.port.ModelFiles;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link ModelFiles} must do; run against the fake and against the Storage emulator. */
public abstract class ModelFilesContract {
  private static final byte[] BYTES = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);

  protected abstract ModelFiles files();

  /** Writes {@code bytes} as a new generation of {@code objectName}; returns the generation. */
  protected abstract long upload(String objectName, byte[] bytes);

  private static String name() {
    return "loras/contract-" + UUID.randomUUID() + ".safetensors";
  }

  @Test
  void aRangedReadReturnsThoseBytesAndFewerOnlyAtTheEnd() throws Exception {
    String name = name();
    long generation = upload(name, BYTES);
    assertThat(new String(files().read(name, generation, 0, 8), StandardCharsets.US_ASCII)).isEqualTo("01234567");
    assertThat(new String(files().read(name, generation, 8, 4), StandardCharsets.US_ASCII)).isEqualTo("89ab");
    assertThat(new String(files().read(name, generation, 16, 100), StandardCharsets.US_ASCII)).isEqualTo("ghij");
  }

  @Test
  void openStreamsTheWholeGeneration() throws Exception {
    String name = name();
    long generation = upload(name, BYTES);
    try (InputStream in = files().open(name, generation)) {
      assertThat(in.readAllBytes()).isEqualTo(BYTES);
    }
  }

  @Test
  void aGenerationThatWasReplacedOrNeverExistedIsNotFound() throws Exception {
    String name = name();
    long old = upload(name, BYTES);
    long newer = upload(name, "other".getBytes(StandardCharsets.US_ASCII));
    assertThat(newer).isGreaterThan(old);
    assertThatThrownBy(() -> files().read(name, old, 0, 8)).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> files().open(name, old).readAllBytes()).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> files().read(name(), 1, 0, 8)).isInstanceOf(FileNotFoundException.class);
  }
}
