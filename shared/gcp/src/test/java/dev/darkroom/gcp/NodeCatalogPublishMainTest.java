package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the deploy accepts as the image's recorded catalog before publishing it. */
class NodeCatalogPublishMainTest {
  @TempDir Path dir;

  private Path file(String content) throws IOException {
    return Files.writeString(dir.resolve("object_info.json"), content);
  }

  @Test
  void readsTheRecordedObjectInfoAsIs() throws IOException {
    var catalog = NodeCatalogPublishMain.read(file("{\"KSampler\": {\"input\": {}, \"python_module\": \"nodes\"}}"));

    assertThat(catalog.fieldNames()).toIterable().containsExactly("KSampler");
    assertThat(catalog.at("/KSampler/python_module").asText()).isEqualTo("nodes");
  }

  @Test
  void refusesWhatIsNotACatalogRatherThanPublishingIt() throws IOException {
    for (String notACatalog : new String[] {"{}", "[]", "\"KSampler\""}) {
      Path recorded = file(notACatalog);
      assertThatThrownBy(() -> NodeCatalogPublishMain.read(recorded)).as(notACatalog)
          .isInstanceOf(IOException.class).hasMessageContaining("is not a node catalog");
    }
    Path truncated = file("{\"KSampler\": {");
    assertThatThrownBy(() -> NodeCatalogPublishMain.read(truncated)).isInstanceOf(IOException.class);
  }
}
