package dev.darkroom.bench.sim;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.job.ModelFingerprint;

/**
 * A kind of prompt: the checkpoint it loads (which decides its real {@link ModelFingerprint}), how
 * long loading that model takes on a fresh ComfyUI and how long one image takes once it is loaded.
 */
record Workflow(String name, String checkpoint, long modelLoadMillis, long imageMillis) {

  /** A minimal ComfyUI API-format prompt that loads {@link #checkpoint}. */
  ObjectNode prompt() {
    ObjectNode prompt = JsonNodeFactory.instance.objectNode();
    ObjectNode loader = prompt.putObject("4");
    loader.put("class_type", "CheckpointLoaderSimple");
    loader.putObject("inputs").put("ckpt_name", checkpoint);
    ObjectNode save = prompt.putObject("9");
    save.put("class_type", "SaveImage");
    save.putObject("inputs").put("filename_prefix", name);
    return prompt;
  }

  String fingerprint() {
    return ModelFingerprint.of(prompt());
  }
}
