package dev.darkroom.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InputAssignmentTest {

  @Test
  void aNodeIdAnInputAndAValue() {
    assertThat(InputAssignment.parse("3.seed=42")).isEqualTo(new InputAssignment("3", "seed", "42"));
  }

  @Test
  void aTitleMayHoldDotsAndSpacesAndTheValueMayHoldEqualsSigns() {
    assertThat(InputAssignment.parse("CLIP v1.5 (Prompt).text=a=b. c"))
        .isEqualTo(new InputAssignment("CLIP v1.5 (Prompt)", "text", "a=b. c"));
  }

  @Test
  void anEmptyValueIsAValue() {
    assertThat(InputAssignment.parse("7.text=")).isEqualTo(new InputAssignment("7", "text", ""));
  }

  @Test
  void withoutAnEqualsSignItSaysWhatItExpects() {
    assertThatThrownBy(() -> InputAssignment.parse("3.seed"))
        .isInstanceOf(CliFailure.class).hasMessageContaining("expected NODE.INPUT=VALUE")
        .extracting(e -> ((CliFailure) e).exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
  }

  @Test
  void withoutANodeOrAnInputItSaysWhatItExpects() {
    for (String bad : new String[] {"seed=1", ".seed=1", "3.=1"}) {
      assertThatThrownBy(() -> InputAssignment.parse(bad)).as(bad)
          .isInstanceOf(CliFailure.class).hasMessageContaining("a node id or title, a dot and an input name");
    }
  }
}
