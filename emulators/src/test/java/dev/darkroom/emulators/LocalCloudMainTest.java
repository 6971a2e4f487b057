package dev.darkroom.emulators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalCloudMainTest {

  @Test
  void exportLinesAreSafeForAnyShellValue() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080");
    env.put("STORAGE_SIGNER_KEY_FILE", "/tmp/it's here/signer.json");
    assertThat(LocalCloudMain.exportLines(env)).isEqualTo(
        "export FIRESTORE_EMULATOR_HOST='127.0.0.1:8080'\n"
            + "export STORAGE_SIGNER_KEY_FILE='/tmp/it'\\''s here/signer.json'\n");
  }
}
