package dev.darkroom.runner;

import dev.darkroom.core.job.Progress;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A {@link PromptEngine} whose prompts do what each test scripts, per prompt id. */
final class FakeEngine implements PromptEngine {

  /** What one prompt does: may report progress, then ends as it returns (or throws). */
  @FunctionalInterface
  interface Behaviour {
    PromptOutcome run(Consumer<Progress> progress) throws EngineUnavailableException, InterruptedException;
  }

  final List<String> ran = new CopyOnWriteArrayList<>();
  final List<String> interrupted = new CopyOnWriteArrayList<>();
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private volatile boolean reachable = true;
  private volatile Behaviour fallback = progress -> new PromptOutcome.Completed(List.of());

  FakeEngine when(String promptId, Behaviour behaviour) {
    behaviours.put(promptId, behaviour);
    return this;
  }

  FakeEngine otherwise(Behaviour behaviour) {
    this.fallback = behaviour;
    return this;
  }

  FakeEngine file(OutputFile file, byte[] content) {
    files.put(key(file), content);
    return this;
  }

  FakeEngine unreachable() {
    reachable = false;
    return this;
  }

  @Override
  public void awaitReady(Duration timeout) throws EngineUnavailableException {
    if (!reachable) {
      throw new EngineUnavailableException("connection refused (fake)");
    }
  }

  @Override
  public PromptOutcome run(PromptRequest request, Consumer<Progress> progress)
      throws EngineUnavailableException, InterruptedException {
    ran.add(request.promptId());
    prompts.put(request.promptId(), request.prompt());
    return behaviours.getOrDefault(request.promptId(), fallback).run(progress);
  }

  /** Files put into the input folder, by the name a prompt uses ({@code subfolder/filename}). */
  final Map<String, byte[]> inputs = new ConcurrentHashMap<>();

  /** The prompts as they reached the engine (after input staging), by prompt id. */
  final Map<String, com.fasterxml.jackson.databind.node.ObjectNode> prompts = new ConcurrentHashMap<>();

  /**
   * A catalog of two nodes: SaveImage (enough to see that it was published) and LoadImage, whose
   * {@code image} input names an input file as ComfyUI declares it ({@code image_upload}).
   */
  @Override
  public com.fasterxml.jackson.databind.node.ObjectNode objectInfo() {
    com.fasterxml.jackson.databind.node.ObjectNode info = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    info.putObject("SaveImage").put("output_node", true);
    com.fasterxml.jackson.databind.node.ArrayNode image = info.putObject("LoadImage").putObject("input")
        .putObject("required").putArray("image");
    image.addArray();
    image.addObject().put("image_upload", true);
    return info;
  }

  @Override
  public String uploadInput(String subfolder, String filename, byte[] content) {
    String name = subfolder + "/" + filename;
    inputs.put(name, content);
    return name;
  }

  final java.util.concurrent.atomic.AtomicInteger resumed = new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public void resumed() {
    resumed.incrementAndGet();
  }

  @Override
  public void interrupt(String promptId) {
    interrupted.add(promptId);
  }

  @Override
  public InputStream open(OutputFile file) throws FileNotFoundException {
    byte[] content = files.get(key(file));
    if (content == null) {
      throw new FileNotFoundException(file.filename());
    }
    return new ByteArrayInputStream(content);
  }

  private static String key(OutputFile file) {
    return file.type() + "|" + file.subfolder() + "|" + file.filename();
  }
}
