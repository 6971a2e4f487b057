package dev.darkroom.emulators.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObjectNamesTest {

  @Test
  void fileStemsNeverNavigateAndNeverCollide() {
    List<String> names = List.of("../../etc/passwd", "/abs", "a/b", "a%2Fb", "a.b", "a b", "~x", "..", "é", "a-b_c",
        "x".repeat(1000), "x".repeat(999) + "y");
    Set<String> stems = new HashSet<>();
    for (String name : names) {
      String stem = ObjectNames.fileStem(name);
      assertThat(stem).doesNotContain("/", ".", "\\").hasSizeLessThanOrEqualTo(180);
      stems.add(stem);
    }
    assertThat(stems).hasSameSizeAs(names);
    assertThat(ObjectNames.fileStem("renders/img_01")).isEqualTo("renders%2Fimg_01");
  }

  @Test
  void bucketNamesFollowGcsRules() {
    for (String ok : List.of("darkroom-outputs", "a.b.c", "abc", "my_bucket-1")) {
      assertThat(ObjectNames.requireValidBucket(ok)).isEqualTo(ok);
    }
    for (String bad : List.of("..", "a/b", "../x", "ab", "UPPER", "-dash", "dot.", "a..b", "x".repeat(64))) {
      assertThatThrownBy(() -> ObjectNames.requireValidBucket(bad))
          .isInstanceOfSatisfying(GcsException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
  }

  @Test
  void objectNamesRefuseOnlyWhatGcsRefuses() {
    assertThat(ObjectNames.requireValidObject("../weird but legal")).isEqualTo("../weird but legal");
    for (String bad : List.of("", ".", "..", "line\nbreak", "x".repeat(1025))) {
      assertThatThrownBy(() -> ObjectNames.requireValidObject(bad))
          .isInstanceOfSatisfying(GcsException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
  }
}
