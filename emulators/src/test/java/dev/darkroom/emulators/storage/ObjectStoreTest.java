package dev.darkroom.emulators.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreTest {
  @TempDir Path dir;
  ObjectStore store;

  @BeforeEach
  void createBucket() {
    store = new ObjectStore(dir, dir.resolve(".emulator/tmp"));
    store.createBucket("bkt", "p", null, null);
  }

  StoredObject put(String name, String content, Preconditions preconditions) throws Exception {
    return store.commit("bkt", ObjectSpec.named(name),
        store.stage(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8))), preconditions);
  }

  ObjectStore.ListPage list(String prefix, String delimiter, String token, int max) {
    return store.list("bkt", new ObjectStore.ListQuery(prefix, delimiter, null, null, token, max, false));
  }

  @Test
  void prefixesAndObjectsSharePagesWithoutRepeats() throws Exception {
    for (String name : List.of("a/1", "a/2", "b", "c/1", "d", "e")) {
      put(name, name, Preconditions.NONE);
    }

    ObjectStore.ListPage first = list("", "/", null, 2);
    ObjectStore.ListPage second = list("", "/", first.nextPageToken(), 2);
    ObjectStore.ListPage third = list("", "/", second.nextPageToken(), 2);

    assertThat(first.prefixes()).containsExactly("a/");
    assertThat(first.items()).extracting(StoredObject::name).containsExactly("b");
    assertThat(second.prefixes()).containsExactly("c/");
    assertThat(second.items()).extracting(StoredObject::name).containsExactly("d");
    assertThat(second.nextPageToken()).isNotNull();
    assertThat(third.items()).extracting(StoredObject::name).containsExactly("e");
    assertThat(third.prefixes()).isEmpty();
    assertThat(third.nextPageToken()).isNull();
  }

  @Test
  void rewritesKeepOneDataFilePerObjectAndBumpTheGeneration() throws Exception {
    StoredObject v1 = put("x/y", "one", Preconditions.NONE);
    StoredObject v2 = put("x/y", "two", new Preconditions(v1.generation(), null, null, null));

    assertThat(v2.generation()).isGreaterThan(v1.generation());
    try (Stream<Path> files = Files.list(dir.resolve("bkt"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(".bucket.json", "x%2Fy.meta.json", "x%2Fy." + v2.generation() + ".data");
    }
    assertThatThrownBy(() -> put("x/y", "three", new Preconditions(v1.generation(), null, null, null)))
        .isInstanceOfSatisfying(GcsException.class, e -> assertThat(e.status()).isEqualTo(412));
    assertThatThrownBy(() -> put("x/y", "three", new Preconditions(0L, null, null, null)))
        .isInstanceOfSatisfying(GcsException.class, e -> assertThat(e.status()).isEqualTo(412));
    try (Stream<Path> staged = Files.list(dir.resolve(".emulator/tmp"))) {
      assertThat(staged).isEmpty();
    }
  }

  @Test
  void readsWithFailedNotMatchAnswerNotModified() throws Exception {
    StoredObject v1 = put("n", "1", Preconditions.NONE);

    assertThatThrownBy(() -> store.get("bkt", "n", null, new Preconditions(null, v1.generation(), null, null)))
        .isInstanceOfSatisfying(GcsException.class, e -> assertThat(e.status()).isEqualTo(304));
    assertThatThrownBy(() -> store.get("bkt", "n", null, new Preconditions(v1.generation() + 1, null, null, null)))
        .isInstanceOfSatisfying(GcsException.class, e -> assertThat(e.status()).isEqualTo(412));
    assertThatThrownBy(() -> store.get("bkt", "missing", null, Preconditions.NONE))
        .isInstanceOfSatisfying(GcsException.class, e -> assertThat(e.status()).isEqualTo(404));
  }
}
