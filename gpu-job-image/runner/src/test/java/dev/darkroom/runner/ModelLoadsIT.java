package dev.darkroom.runner;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.comfyui.sim.SimulatedComfyUI;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange;
import dev.darkroom.runner.comfy.ComfyClient;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobEventPublisher;
import dev.darkroom.testing.RecordingJobQueue;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The production runner and ComfyUI client on the simulated engine: each prompt's loaders get a
 * structured load-time line, and the second prompt of a task finds its checkpoint in the engine's
 * cache, as a draining task does with ComfyUI.
 */
class ModelLoadsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final Logger modelLoadsLog = (Logger) LoggerFactory.getLogger(ModelLoads.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final InMemoryJobStore jobs = new InMemoryJobStore();

  @AfterEach
  void detach() {
    modelLoadsLog.detachAppender(logged);
  }

  private String dispatched(ObjectNode prompt, long seed) {
    ObjectNode own = prompt.deepCopy();
    ((ObjectNode) own.path("3").path("inputs")).put("seed", seed);
    String id = UUID.randomUUID().toString();
    Job job = Job.queued(id, "alice", 1, own, JSON.createObjectNode(), null, Instant.now())
        .withStatus(JobStatus.DISPATCHED, Instant.now());
    jobs.update(id, current -> JobChange.Outcome.write(job, null));
    return id;
  }

  private static Map<String, Object> fields(ILoggingEvent event) {
    return event.getKeyValuePairs().stream().collect(Collectors.toMap(pair -> pair.key, pair -> pair.value));
  }

  @Test
  void eachPromptLogsItsCheckpointsLoadTimeSourceAndSizeAndTheNextFindsItCached() throws Exception {
    ObjectNode workflow;
    try (InputStream in = ModelLoadsIT.class.getResourceAsStream("/workflows/sd1.5-txt2img.json")) {
      workflow = (ObjectNode) JSON.readTree(in);
    }
    // The task's ComfyUI home: its extra_model_paths.yaml names the "mount" holding the checkpoint.
    Path home = Files.createDirectories(dir.resolve("comfyui"));
    Path mount = Files.createDirectories(dir.resolve("mnt/models/checkpoints"));
    Path checkpoint = Files.write(mount.resolve("dreamshaper_8.safetensors"), new byte[4096]);
    Files.writeString(home.resolve("extra_model_paths.yaml"), "darkroom:\n    base_path: " + mount.getParent() + "\n");
    logged.start();
    modelLoadsLog.addAppender(logged);
    String first = dispatched(workflow, 1);
    String second = dispatched(workflow, 2);

    try (SimulatedComfyUI engine = SimulatedComfyUI.start(SimulatedComfyUI.Config.defaults(dir.resolve("engine")))) {
      ComfyClient client = new ComfyClient(ComfyClient.Settings.defaults(URI.create(engine.baseUrl()),
          Duration.ofMinutes(1)), JSON);
      Runner runner = new Runner(jobs, new RecordingJobQueue(), client, new RecordingJobEventPublisher(),
          new InMemoryOutputStore(), Clock.systemUTC(), RunnerTest.fastRetries(),
          new Runner.Settings("exec-loads", TaskShare.whole(), Duration.ofSeconds(10)))
          .findingModelsIn(ModelSources.of(home));

      assertThat(runner.run(List.of(first, second))).isEqualTo(Runner.EXIT_OK);
    }

    assertThat(logged.list).hasSize(2);
    ILoggingEvent loaded = logged.list.get(0);
    Map<String, Object> fields = fields(loaded);
    assertThat(loaded.getMDCPropertyMap()).containsEntry("jobId", first);
    assertThat(fields).containsEntry("modelCached", false).containsEntry("loaderNode", "4")
        .containsEntry("loaderClass", "CheckpointLoaderSimple")
        .containsEntry("modelFiles", List.of("dreamshaper_8.safetensors"))
        .containsEntry("modelPaths", List.of(checkpoint.toString()))
        .containsEntry("modelBytes", 4096L);
    assertThat((double) fields.get("modelLoadSeconds")).isGreaterThan(0).isLessThan(10);

    assertThat(logged.list.get(1).getMDCPropertyMap()).containsEntry("jobId", second);
    Map<String, Object> again = fields(logged.list.get(1));
    assertThat(again).containsEntry("modelCached", true).containsEntry("modelLoadSeconds", 0.0)
        .containsEntry("loaderNode", "4");
  }
}
