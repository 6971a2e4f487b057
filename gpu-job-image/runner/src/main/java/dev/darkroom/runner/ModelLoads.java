package dev.darkroom.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.ModelFingerprint;
import dev.darkroom.core.job.Progress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long each model of one prompt took to load, read off ComfyUI's {@code executing} sequence: a
 * loader node (one with an input naming a model file, {@link ModelFingerprint#isModelFile}) runs
 * from its own {@code executing} until the next node's, or the prompt's end. ComfyUI sends no
 * {@code executing} for a node it serves from its cache, so a loader that never ran found its model
 * already in memory (loaded by an earlier prompt of this task). Times are this runner's, taken as
 * the frames arrive: a loader's time includes the socket's latency, on loopback well under a
 * millisecond.
 *
 * <p>Fed from the socket's listener thread ({@link #observing}) and read once the prompt ended
 * ({@link #finish}).
 */
final class ModelLoads {
  private static final Logger log = LoggerFactory.getLogger(ModelLoads.class);

  /** One loader node of the prompt and the model files its inputs name. */
  record Loader(String nodeId, String classType, Map<String, String> files) {}

  /**
   * How one loader fared: {@code seconds} from its {@code executing} to the next node's; cached
   * (ComfyUI had its output from an earlier prompt) when it never ran, with {@code seconds} 0.
   */
  record Load(Loader loader, double seconds, boolean cached) {}

  private final Map<String, Loader> loaders;
  private final LongSupplier nanoTime;
  private final Map<String, Long> nanosByNode = new HashMap<>();
  private String runningNode;
  private long runningSince;

  private ModelLoads(Map<String, Loader> loaders, LongSupplier nanoTime) {
    this.loaders = loaders;
    this.nanoTime = nanoTime;
  }

  static ModelLoads of(ObjectNode prompt, LongSupplier nanoTime) {
    Map<String, Loader> loaders = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> nodes = prompt.fields(); nodes.hasNext(); ) {
      Map.Entry<String, JsonNode> node = nodes.next();
      Map<String, String> files = new LinkedHashMap<>();
      node.getValue().path("inputs").fields().forEachRemaining(input -> {
        if (input.getValue().isTextual() && ModelFingerprint.isModelFile(input.getValue().asText())) {
          files.put(input.getKey(), input.getValue().asText());
        }
      });
      if (!files.isEmpty()) {
        loaders.put(node.getKey(), new Loader(node.getKey(), node.getValue().path("class_type").asText(""), files));
      }
    }
    return new ModelLoads(loaders, nanoTime);
  }

  /** Passes every update on to {@code next}, noting when each node starts (a 0-of-0 update). */
  Consumer<Progress> observing(Consumer<Progress> next) {
    return update -> {
      if (update.nodeId() != null && update.value() == 0 && update.max() == 0) {
        nodeStarted(update.nodeId());
      }
      next.accept(update);
    };
  }

  private synchronized void nodeStarted(String node) {
    if (node.equals(runningNode)) {
      return;
    }
    long now = nanoTime.getAsLong();
    closeRunning(now);
    runningNode = node;
    runningSince = now;
  }

  private void closeRunning(long now) {
    if (runningNode != null) {
      nanosByNode.merge(runningNode, now - runningSince, Long::sum);
      runningNode = null;
    }
  }

  /**
   * The prompt ended: the node still running ends now. Every loader of the prompt, in prompt order;
   * empty if the prompt loads no model file. A prompt that failed or was interrupted before a loader
   * ran reports that loader as cached too: call this only for a prompt that completed.
   */
  synchronized List<Load> finish() {
    closeRunning(nanoTime.getAsLong());
    List<Load> loads = new ArrayList<>(loaders.size());
    for (Loader loader : loaders.values()) {
      Long nanos = nanosByNode.get(loader.nodeId());
      loads.add(nanos == null ? new Load(loader, 0, true) : new Load(loader, nanos / 1e9, false));
    }
    return loads;
  }

  /**
   * {@link #finish}, and one structured line per loader: {@code modelLoadSeconds}, {@code modelCached},
   * {@code loaderNode}, {@code loaderClass}, {@code modelFiles}, and where they were found
   * ({@code modelPaths}, {@code modelBytes}, so a load reads as a throughput). Terraform's
   * {@code model_load} metric reads the uncached ones.
   */
  List<Load> finishAndLog(ModelSources sources) {
    List<Load> loads = finish();
    for (Load load : loads) {
      List<String> files = List.copyOf(load.loader().files().values());
      List<String> paths = new ArrayList<>(files.size());
      long bytes = 0;
      boolean allFound = true;
      for (String file : files) {
        var source = sources.find(file);
        paths.add(source.map(found -> found.path().toString()).orElse("?"));
        allFound &= source.isPresent();
        bytes += source.map(ModelSources.Source::bytes).orElse(0L);
      }
      var line = log.atInfo()
          .addKeyValue("modelLoadSeconds", load.seconds())
          .addKeyValue("modelCached", load.cached())
          .addKeyValue("loaderNode", load.loader().nodeId())
          .addKeyValue("loaderClass", load.loader().classType())
          .addKeyValue("modelFiles", files)
          .addKeyValue("modelPaths", paths);
      if (allFound) {
        line = line.addKeyValue("modelBytes", bytes);
      }
      if (load.cached()) {
        line.log("loader {} ({}) was served from ComfyUI's cache: {} already in memory", load.loader().nodeId(),
            load.loader().classType(), files);
      } else {
        line.log("loader {} ({}) took {} s for {} from {}", load.loader().nodeId(), load.loader().classType(),
            String.format(java.util.Locale.ROOT, "%.3f", load.seconds()), files, paths);
      }
    }
    return loads;
  }
}
