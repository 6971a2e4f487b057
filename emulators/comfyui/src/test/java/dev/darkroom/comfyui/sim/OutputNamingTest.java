package dev.darkroom.comfyui.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputNamingTest {

  private static final LocalDateTime NOW = LocalDateTime.of(2025, 3, 4, 5, 6, 7);

  @TempDir Path out;

  @Test
  void countsFromOneAfterTheHighestExistingCounterOfThatPrefix() throws Exception {
    assertThat(OutputNaming.target("ComfyUI", out, 8, 8, NOW).fileName(0, "png")).isEqualTo("ComfyUI_00001_.png");
    Files.createFile(out.resolve("ComfyUI_00007_.png"));
    Files.createFile(out.resolve("ComfyUI_00003_.png"));
    Files.createFile(out.resolve("Other_00050_.png"));

    OutputNaming.SaveTarget t = OutputNaming.target("ComfyUI", out, 8, 8, NOW);

    assertThat(t.fileName(0, "png")).isEqualTo("ComfyUI_00008_.png");
    assertThat(t.fileName(1, "png")).isEqualTo("ComfyUI_00009_.png");
  }

  @Test
  void thePrefixDirectoryIsTheSubfolder() {
    OutputNaming.SaveTarget t = OutputNaming.target("flux/run/img", out, 8, 8, NOW);

    assertThat(t.subfolder()).isEqualTo("flux/run");
    assertThat(t.folder()).isEqualTo(out.toAbsolutePath().resolve("flux/run"));
    assertThat(Files.isDirectory(t.folder())).isTrue();
    assertThat(t.fileName(0, "png")).isEqualTo("img_00001_.png");
  }

  @Test
  void expandsServerSideVariables() {
    assertThat(OutputNaming.expand("%year%-%month%-%day%_%hour%%minute%%second%_%width%x%height%", 640, 480, NOW))
        .isEqualTo("2025-03-04_050607_640x480");
    assertThat(OutputNaming.target("b_%batch_num%", out, 1, 1, NOW).fileName(2, "png")).isEqualTo("b_2_00003_.png");
  }

  @Test
  void refusesToLeaveTheOutputFolder() {
    assertThatThrownBy(() -> OutputNaming.target("../../etc/x", out, 8, 8, NOW))
        .isInstanceOf(OutputNaming.OutsideOutputFolder.class)
        .hasMessageStartingWith("**** ERROR: Saving image outside the output folder is not allowed.");
  }
}
