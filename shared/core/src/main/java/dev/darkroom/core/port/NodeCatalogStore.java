package dev.darkroom.core.port;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * Where the node catalog lives: the {@code /object_info} of the engine Darkroom actually runs,
 * published by whatever starts that engine, read by the API to validate prompts against it.
 */
public interface NodeCatalogStore {

  /** The latest published {@code /object_info}, or empty if none has been published yet. */
  Optional<ObjectNode> current();

  /**
   * A token of the catalog published last, which changes with every publication; empty while none
   * has been published. It costs a look at the catalog's metadata, not a read of the catalog, so a
   * reader that holds the catalog of this token need not read it again.
   */
  Optional<String> version();

  void publish(ObjectNode objectInfo);
}
