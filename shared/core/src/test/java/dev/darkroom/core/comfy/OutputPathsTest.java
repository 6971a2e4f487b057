package dev.darkroom.core.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputPathsTest {

  @Test
  void theJobIdPrefixesWhateverSubfolderComfyUiReported() {
    assertThat(OutputPaths.publicSubfolder("job-1", "")).isEqualTo("job-1");
    assertThat(OutputPaths.publicSubfolder("job-1", null)).isEqualTo("job-1");
    assertThat(OutputPaths.publicSubfolder("job-1", "portraits/a")).isEqualTo("job-1/portraits/a");
  }
}
