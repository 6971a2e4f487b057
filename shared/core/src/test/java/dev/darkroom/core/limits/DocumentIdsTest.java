package dev.darkroom.core.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DocumentIdsTest {
  @Test
  void firestoresRulesAreEachRefusedWithTheReason() {
    assertThat(DocumentIds.problem("a".repeat(1_501))).hasValue("it is 1501 bytes long, more than 1500");
    assertThat(DocumentIds.problem("\u00e9".repeat(751))).hasValue("it is 1502 bytes long, more than 1500");
    assertThat(DocumentIds.problem("a/b")).hasValue("it contains '/'");
    assertThat(DocumentIds.problem("..")).hasValue("'..' is not a name");
    assertThat(DocumentIds.problem(".")).hasValue("'.' is not a name");
    assertThat(DocumentIds.problem("__x__")).hasValue("names of the form __...__ are reserved");
    assertThat(DocumentIds.problem("____")).isPresent();
    assertThat(DocumentIds.problem("")).hasValue("it is empty");
  }

  @Test
  void idsFirestoreStoresPass() {
    assertThat(DocumentIds.problem("a".repeat(1_500))).isEmpty();
    assertThat(DocumentIds.problem("...")).isEmpty();
    assertThat(DocumentIds.problem("__x")).isEmpty();
    assertThat(DocumentIds.problem("x__")).isEmpty();
    assertThat(DocumentIds.problem("fcm:APA91b_x-y.z")).isEmpty();
    assertThat(DocumentIds.requireStorable("job_id", "a")).isEqualTo("a");
    assertThatThrownBy(() -> DocumentIds.requireStorable("job_id", "a/b"))
        .isInstanceOf(DocumentIds.InvalidId.class).hasMessage("job_id cannot be used as an id: it contains '/'");
  }
}
