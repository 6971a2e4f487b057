package dev.darkroom.core.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OpenStreamsTest {
  private final OpenStreams streams = new OpenStreams("sockets", new OpenStreams.Limits(2, 3));

  @Test
  void aUserHoldsAtMostTheirLimitAndAClosedStreamFreesItsPlace() throws Exception {
    OpenStreams.Slot first = streams.open("alice");
    streams.open("alice");
    assertThatThrownBy(() -> streams.open("alice")).isInstanceOfSatisfying(OpenStreams.LimitReached.class, refused -> {
      assertThat(refused.perUser()).isTrue();
      assertThat(refused).hasMessage("you have 2 sockets open, the most one user may: close one first");
    });
    first.close();
    first.close(); // twice frees one place, not two
    streams.open("alice");
    assertThat(streams.openBy("alice")).isEqualTo(2);
    assertThat(streams.total()).isEqualTo(2);
  }

  @Test
  void anInstanceHoldsAtMostItsLimitWhoeverAsks() throws Exception {
    streams.open("alice");
    streams.open("bob");
    streams.open("carol");
    assertThatThrownBy(() -> streams.open("dave")).isInstanceOfSatisfying(OpenStreams.LimitReached.class,
        refused -> assertThat(refused.perUser()).isFalse());
  }
}
