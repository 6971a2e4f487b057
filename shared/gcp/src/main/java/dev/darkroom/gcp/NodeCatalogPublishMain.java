package dev.darkroom.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the node catalog the GPU image recorded when it was built (its ComfyUI's
 * {@code /object_info}, gpu-job-image's {@code ImageCatalogMain}) as the catalog the api validates
 * against: cloudbuild.yaml's {@code publish-catalog} step, once per deploy, so a fresh deployment
 * validates every node before any GPU task has run. Each GPU task still publishes its engine's own
 * catalog when it starts (the same nodes, with the model lists of the mounted bucket).
 *
 * <p>{@code NodeCatalogPublishMain <object_info.json>}, with {@code GOOGLE_CLOUD_PROJECT} and
 * {@code OUTPUTS_BUCKET} (where {@link GcsNodeCatalogStore} keeps it). Exit 0 when published, 1 otherwise.
 */
public final class NodeCatalogPublishMain {
  private static final Logger log = LoggerFactory.getLogger(NodeCatalogPublishMain.class);

  private NodeCatalogPublishMain() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      log.error("usage: NodeCatalogPublishMain <object_info.json>");
      System.exit(1);
      return;
    }
    try {
      Env env = Env.system();
      GoogleCloudConfig cloud = GoogleCloudConfig.from(env);
      OutputsConfig outputs = OutputsConfig.from(env);
      ObjectNode catalog = read(Path.of(args[0]));
      try (Adapters adapters = new Adapters(cloud)) {
        adapters.nodeCatalog(outputs).publish(catalog);
      }
      log.info("published the image's node catalog ({} nodes) to gs://{}/{}", catalog.size(), outputs.bucket(),
          GcsNodeCatalogStore.OBJECT);
    } catch (IOException | RuntimeException e) {
      log.error("cannot publish the node catalog: {}", e.getMessage(), e);
      System.exit(1);
    }
  }

  /** The recorded {@code /object_info}: a JSON object of at least one node class, else refused. */
  static ObjectNode read(Path file) throws IOException {
    JsonNode node = new ObjectMapper().readTree(file.toFile());
    if (!(node instanceof ObjectNode catalog) || catalog.isEmpty()) {
      throw new IOException(file + " is not a node catalog (a JSON object of node classes)");
    }
    return catalog;
  }
}
