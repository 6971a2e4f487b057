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
    return behaviours.getOrDefault(request.promptId(), fallback).run(progress);
  }

  /** A catalog of one node, enough to see that it was published. */
  @Override
  public com.fasterxml.jackson.databind.node.ObjectNode objectInfo() {
    com.fasterxml.jackson.databind.node.ObjectNode info = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    info.putObject("SaveImage").put("output_node", true);
    return info;
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
