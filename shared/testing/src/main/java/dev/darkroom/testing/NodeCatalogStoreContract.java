package dev.darkroom.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.port.NodeCatalogStore;
import org.junit.jupiter.api.Test;

/**
 * What every {@link NodeCatalogStore} must do, the in-memory store and the Cloud Storage object
 * alike: the API reads back exactly the catalog the engine's starter published last.
 */
public abstract class NodeCatalogStoreContract {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A store nothing has been published to yet. */
  protected abstract NodeCatalogStore emptyStore();

  @Test
  void nothingPublishedIsNoCatalog() {
    assertThat(emptyStore().current()).isEmpty();
  }

  @Test
  void theCatalogPublishedIsReadBackWhole() throws Exception {
    NodeCatalogStore store = emptyStore();
    ObjectNode published = catalog("KSampler", "ckpt_name", "v1-5-pruned-emaonly.safetensors");
    store.publish(published);
    assertThat(store.current()).contains(published);
  }

  @Test
  void publishingAgainReplacesTheCatalog() throws Exception {
    NodeCatalogStore store = emptyStore();
    store.publish(catalog("KSampler", "ckpt_name", "old.safetensors"));
    ObjectNode newer = catalog("CheckpointLoaderSimple", "ckpt_name", "new.safetensors");
    store.publish(newer);
    assertThat(store.current()).contains(newer);
  }

  @Test
  void changingTheObjectAfterPublishingChangesNothingStored() throws Exception {
    NodeCatalogStore store = emptyStore();
    ObjectNode published = catalog("KSampler", "ckpt_name", "a.safetensors");
    store.publish(published);
    ObjectNode asPublished = published.deepCopy();
    published.putObject("LateNode");
    assertThat(store.current()).contains(asPublished);
  }

  /** What lets the api keep the catalog it holds: the version moves with each publication, and only then. */
  @Test
  void theVersionChangesWithEachPublicationAndOnlyThen() throws Exception {
    NodeCatalogStore store = emptyStore();
    assertThat(store.version()).isEmpty();
    store.publish(catalog("KSampler", "ckpt_name", "a.safetensors"));
    String first = store.version().orElseThrow();
    store.current();
    assertThat(store.version()).as("reading changes nothing").contains(first);
    store.publish(catalog("KSampler", "ckpt_name", "a.safetensors"));
    assertThat(store.version()).as("the same catalog published again").isPresent().get().isNotEqualTo(first);
  }

  /** A small {@code /object_info} with one node whose one input offers one choice (nested, unicode). */
  private static ObjectNode catalog(String node, String input, String choice) throws Exception {
    return (ObjectNode) JSON.readTree("""
        {"%s": {"input": {"required": {"%s": [["%s", "caf\\u00e9.safetensors"], {"tooltip": "x"}]}},
                "output": ["MODEL"], "output_is_list": [false], "category": "loaders", "python_module": "nodes"}}
        """.formatted(node, input, choice));
  }
}
