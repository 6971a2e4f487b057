package dev.darkroom.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptIdsTest {
  private static final String ID = "0b7e1a9c-2f43-4d5e-9a10-3c8d2e6f7a81";

  @Test
  void aPromptIdIsLookedUpUnderItselfThenUnderTheCallersOwnPlace() {
    List<String> ids = PromptIds.storeIdsOf("alice", ID);

    assertThat(ids).containsExactly(ID, PromptIds.elsewhere("alice", ID));
    assertThat(ids).isEqualTo(List.of(ID, PromptIds.elsewhere("alice", ID)));
    assertThat(new ArrayList<>(ids)).hasSize(2);
    assertThat(PromptIds.isElsewhere(ids.get(1))).isTrue();
    assertThat(PromptIds.storeIdsOf("bob", ID).get(1)).as("each user has a place of their own")
        .isNotEqualTo(ids.get(1));
    assertThatThrownBy(() -> ids.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void anIdMadeElsewhereIsLookedUpAsItIsAndAnythingElseNowhere() {
    String elsewhere = PromptIds.elsewhere("alice", ID);

    assertThat(PromptIds.storeIdsOf("alice", elsewhere)).containsExactly(elsewhere);
    assertThat(PromptIds.storeIdsOf("alice", "__x__")).isEmpty();
    assertThat(PromptIds.storeIdsOf("alice", ID.toUpperCase())).isEmpty();
  }
}
