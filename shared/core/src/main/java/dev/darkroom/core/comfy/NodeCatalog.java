package dev.darkroom.core.comfy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The node classes a ComfyUI server knows, built from a JSON object shaped exactly like its
 * {@code GET /object_info} answer. An entry may carry a Darkroom-only {@code x_darkroom} object:
 * {@code validate_inputs} (inputs a custom {@code VALIDATE_INPUTS} checks instead of the generic
 * rules), {@code file_inputs} (those of them that name a file of the input folder) and {@code
 * file_refusals} (what it answers for a missing one), {@code any_inputs} (inputs typed {@code
 * IO.ANY}), {@code
 * combo_from} (COMBO inputs whose choices are a model folder's file list) and {@code combo_fixed}
 * (the choices such a COMBO offers besides the folder's files, e.g. VAELoader's {@code
 * pixel_space}). The marker never leaves through {@link #toObjectInfo()}.
 *
 * <p>The core catalog ({@code core-nodes.json}) is ComfyUI's own {@code /object_info} at the commit
 * {@code core-nodes.source.json} names, recorded by {@code emulators/comfyui/scripts/record-object-info}.
 */
public final class NodeCatalog {

  /** Darkroom's extension key in a catalog entry. */
  public static final String DARKROOM_KEY = "x_darkroom";

  private static final String CORE_RESOURCE = "core-nodes.json";

  private final ObjectNode objectInfo;
  private final Map<String, NodeDefinition> nodes;

  private NodeCatalog(ObjectNode objectInfo) {
    this.objectInfo = objectInfo;
    Map<String, NodeDefinition> parsed = new LinkedHashMap<>();
    objectInfo.fields().forEachRemaining(e -> parsed.put(e.getKey(), parse(e.getKey(), e.getValue())));
    this.nodes = Collections.unmodifiableMap(parsed);
  }

  /** A catalog from an {@code /object_info}-shaped object (copied; later changes do not leak in). */
  public static NodeCatalog fromObjectInfo(ObjectNode objectInfo) {
    return new NodeCatalog(objectInfo.deepCopy());
  }

  /**
   * The core ComfyUI nodes Darkroom knows, with each {@code combo_from} COMBO filled from {@code
   * filesInFolder} (a folder name such as {@code checkpoints}, {@code loras} or {@code input}).
   */
  public static NodeCatalog coreNodes(Function<String, List<String>> filesInFolder) {
    return loadCore().withFolderChoices(filesInFolder);
  }

  private static NodeCatalog loadCore() {
    try (InputStream in = NodeCatalog.class.getResourceAsStream(CORE_RESOURCE)) {
      if (in == null) throw new IllegalStateException("missing resource " + CORE_RESOURCE);
      return new NodeCatalog((ObjectNode) new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A catalog from a published {@code /object_info} (which, like ComfyUI's, cannot say which
   * inputs a {@code VALIDATE_INPUTS} checks or which COMBOs list a model folder), with the core
   * catalog's markers put back on the classes the core catalog knows. The published entry wins
   * for everything else, so the engine's real choices and options are what prompts meet.
   */
  public static NodeCatalog fromPublished(ObjectNode objectInfo) {
    ObjectNode merged = objectInfo.deepCopy();
    ObjectNode core = loadCore().objectInfo;
    merged.fields().forEachRemaining(entry -> {
      if (!(entry.getValue() instanceof ObjectNode published) || published.has(DARKROOM_KEY)) return;
      JsonNode coreMarker = core.path(entry.getKey()).path(DARKROOM_KEY);
      if (coreMarker.isObject()) {
        published.set(DARKROOM_KEY, coreMarker.deepCopy());
      }
    });
    markModelCombos(merged);
    return new NodeCatalog(merged);
  }

  /**
   * Marks the COMBO inputs of classes the core catalog does not know (ComfyUI's other loaders,
   * custom nodes) that list a model folder: ComfyUI fills such a COMBO with
   * {@code folder_paths.get_filename_list(folder)}, so its choices are exactly the folder's list
   * that a marked input of the same catalog shows. An input is marked when its choices are that
   * list, not empty and no other folder's; one that matches no folder, or several, is left as
   * published (a folder the engine saw empty cannot be recognised).
   */
  private static void markModelCombos(ObjectNode catalog) {
    Map<Set<String>, String> folderByFiles = new LinkedHashMap<>();
    Set<Set<String>> ambiguous = new java.util.HashSet<>();
    new NodeCatalog(catalog).folderFiles().forEach((folder, files) -> {
      Set<String> key = Set.copyOf(files);
      if (key.isEmpty()) return;
      String other = folderByFiles.putIfAbsent(key, folder);
      if (other != null && !other.equals(folder)) ambiguous.add(key);
    });
    ambiguous.forEach(folderByFiles::remove);
    if (folderByFiles.isEmpty()) return;
    catalog.fields().forEachRemaining(entry -> {
      if (!(entry.getValue() instanceof ObjectNode node)) return;
      if (node.path(DARKROOM_KEY).has("combo_from")) return;
      for (String section : List.of("required", "optional")) {
        node.path("input").path(section).fields().forEachRemaining(input -> {
          JsonNode choices = choices(input.getValue());
          if (!choices.isArray() || choices.isEmpty()) return;
          Set<String> offered = new java.util.HashSet<>();
          choices.forEach(choice -> offered.add(choice.asText()));
          String folder = folderByFiles.get(offered);
          if (folder == null) return;
          ObjectNode marker = node.get(DARKROOM_KEY) instanceof ObjectNode m ? m : node.putObject(DARKROOM_KEY);
          ObjectNode comboFrom = marker.get("combo_from") instanceof ObjectNode c ? c : marker.putObject("combo_from");
          comboFrom.put(input.getKey(), folder);
        });
      }
    });
  }

  /**
   * The files each model folder holds, as the COMBO inputs marked {@code combo_from} list them
   * (ComfyUI's {@code /models/{folder}}); folders are sorted, files sorted and distinct. The
   * {@code input} folder is not a model folder and is left out.
   */
  public Map<String, List<String>> folderFiles() {
    Map<String, java.util.TreeSet<String>> folders = new java.util.TreeMap<>();
    objectInfo.fields().forEachRemaining(entry -> entry.getValue().path(DARKROOM_KEY).path("combo_from").fields()
        .forEachRemaining(c -> {
          String folder = c.getValue().asText();
          if (folder.equals("input")) return;
          java.util.TreeSet<String> files = folders.computeIfAbsent(folder, f -> new java.util.TreeSet<>());
          Set<String> fixed = fixedChoices(entry.getValue(), c.getKey());
          for (String section : List.of("required", "optional")) {
            choices(entry.getValue().path("input").path(section).path(c.getKey())).forEach(f -> {
              if (!fixed.contains(f.asText())) files.add(f.asText());
            });
          }
        }));
    Map<String, List<String>> out = new LinkedHashMap<>();
    folders.forEach((folder, files) -> out.put(folder, List.copyOf(files)));
    return out;
  }

  /**
   * A copy whose {@code combo_from} COMBO inputs list {@code filesInFolder(folder)}, followed by the
   * input's {@code combo_fixed} choices; an input whose folder it answers null for keeps its choices.
   */
  public NodeCatalog withFolderChoices(Function<String, List<String>> filesInFolder) {
    ObjectNode copy = objectInfo.deepCopy();
    copy.fields().forEachRemaining(entry -> entry.getValue().path(DARKROOM_KEY).path("combo_from").fields()
        .forEachRemaining(c -> {
          List<String> files = filesInFolder.apply(c.getValue().asText());
          if (files == null) return;
          ArrayNode choices = JsonNodeFactory.instance.arrayNode();
          files.forEach(choices::add);
          fixedChoices(entry.getValue(), c.getKey()).stream().filter(f -> !files.contains(f)).forEach(choices::add);
          for (String section : List.of("required", "optional")) {
            setChoices(entry.getValue().path("input").path(section).get(c.getKey()), choices);
          }
        }));
    return new NodeCatalog(copy);
  }

  /**
   * A COMBO input's choices: a V1 node spells them as its type ({@code [[choices], {...}]}), a V3
   * node as its options ({@code ["COMBO", {"options": [choices]}]}); empty for any other input.
   */
  static JsonNode choices(JsonNode spec) {
    JsonNode type = spec.path(0);
    if (type.isArray()) return type;
    if ("COMBO".equals(type.asText()) && spec.path(1).path("options").isArray()) return spec.path(1).path("options");
    return JsonNodeFactory.instance.arrayNode();
  }

  private static void setChoices(JsonNode spec, ArrayNode choices) {
    if (!(spec instanceof ArrayNode arr) || arr.isEmpty()) return;
    if (arr.get(0).isArray()) {
      arr.set(0, choices.deepCopy());
    } else if ("COMBO".equals(arr.get(0).asText()) && arr.path(1) instanceof ObjectNode options) {
      options.set("options", choices.deepCopy());
    }
  }

  private static Set<String> fixedChoices(JsonNode entry, String input) {
    Set<String> fixed = new LinkedHashSet<>();
    entry.path(DARKROOM_KEY).path("combo_fixed").path(input).forEach(f -> fixed.add(f.asText()));
    return fixed;
  }

  public Optional<NodeDefinition> node(String classType) {
    return Optional.ofNullable(nodes.get(classType));
  }

  public boolean contains(String classType) {
    return nodes.containsKey(classType);
  }

  public Set<String> classTypes() {
    return nodes.keySet();
  }

  /** Declared inputs (required ∪ optional) of a class, empty for an unknown class. */
  public Map<String, InputSpec> inputs(String classType) {
    return node(classType).map(NodeDefinition::inputs).orElse(Map.of());
  }

  public List<JsonNode> returnTypes(String classType) {
    return node(classType).map(NodeDefinition::returnTypes).orElse(List.of());
  }

  public boolean isOutputNode(String classType) {
    return node(classType).map(NodeDefinition::outputNode).orElse(false);
  }

  /**
   * The inputs of {@code classType} whose values name a file in the engine's input folder: those
   * ComfyUI marks for uploading ({@code image_upload}, {@code audio_upload}, {@code video_upload}, …
   * any {@code *_upload: true}) and those a {@code VALIDATE_INPUTS} checks as files.
   */
  public Set<String> inputFileInputs(String classType) {
    return node(classType).map(def -> {
      Set<String> names = new java.util.TreeSet<>(def.fileInputs());
      def.inputs().forEach((name, spec) -> spec.options().fields().forEachRemaining(option -> {
        if (option.getKey().endsWith("_upload") && option.getValue().asBoolean(false)) {
          names.add(name);
        }
      }));
      return java.util.Collections.unmodifiableSet(names);
    }).orElse(Set.of());
  }

  /**
   * The COMBO inputs of {@code classType} that name a file of a model folder, input to folder
   * ({@code combo_from}, the {@code input} folder left out): ComfyUI's loaders raise when the file
   * is not there.
   */
  public Map<String, String> modelFolderInputs(String classType) {
    Map<String, String> out = new LinkedHashMap<>();
    objectInfo.path(classType).path(DARKROOM_KEY).path("combo_from").fields().forEachRemaining(c -> {
      if (!c.getValue().asText().equals("input")) out.put(c.getKey(), c.getValue().asText());
    });
    return out;
  }

  /**
   * What the node's {@code VALIDATE_INPUTS} answers when the file {@code input} names is missing,
   * {@code {}} standing for the name ({@code x_darkroom.file_refusals}, e.g. LoadAudio's
   * {@code "Invalid audio file: {}"}).
   */
  public Optional<String> fileRefusal(String classType, String input) {
    JsonNode template = objectInfo.path(classType).path(DARKROOM_KEY).path("file_refusals").path(input);
    return template.isTextual() ? Optional.of(template.textValue()) : Optional.empty();
  }

  /** The choices a {@code combo_from} input offers besides its folder's files ({@code combo_fixed}). */
  public Set<String> fixedChoices(String classType, String input) {
    return fixedChoices(objectInfo.path(classType), input);
  }

  public Set<String> customValidatedInputs(String classType) {
    return node(classType).map(NodeDefinition::customValidatedInputs).orElse(Set.of());
  }

  /** {@code GET /object_info}: every entry, Darkroom's markers removed. */
  public ObjectNode toObjectInfo() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    nodes.forEach((name, def) -> out.set(name, def.info().deepCopy()));
    return out;
  }

  /** {@code GET /object_info/{class}}: {@code {class: info}}, or {@code {}} when unknown. */
  public ObjectNode toObjectInfo(String classType) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    node(classType).ifPresent(def -> out.set(classType, def.info().deepCopy()));
    return out;
  }

  private static NodeDefinition parse(String classType, JsonNode entry) {
    Map<String, InputSpec> inputs = new LinkedHashMap<>();
    for (String section : List.of("required", "optional")) {
      JsonNode specs = entry.path("input").path(section);
      List<String> order = new ArrayList<>();
      entry.path("input_order").path(section).forEach(n -> order.add(n.asText()));
      specs.fieldNames().forEachRemaining(n -> {
        if (!order.contains(n)) order.add(n);
      });
      for (String name : order) {
        JsonNode spec = specs.get(name);
        if (spec == null) continue;
        JsonNode type = spec.isArray() && spec.size() > 0 ? spec.get(0) : spec;
        JsonNode opts = spec.isArray() && spec.size() > 1 ? spec.get(1) : null;
        ObjectNode options =
            opts instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
        inputs.put(name, new InputSpec(name, type.deepCopy(), options, section.equals("required")));
      }
    }
    List<JsonNode> returnTypes = new ArrayList<>();
    entry.path("output").forEach(t -> returnTypes.add(t.deepCopy()));
    Set<String> custom = new LinkedHashSet<>();
    entry.path(DARKROOM_KEY).path("validate_inputs").forEach(n -> custom.add(n.asText()));
    Set<String> files = new LinkedHashSet<>();
    entry.path(DARKROOM_KEY).path("file_inputs").forEach(n -> files.add(n.asText()));
    Set<String> any = new LinkedHashSet<>();
    entry.path(DARKROOM_KEY).path("any_inputs").forEach(n -> any.add(n.asText()));
    ObjectNode info = entry.deepCopy();
    info.remove(DARKROOM_KEY);
    return new NodeDefinition(
        classType,
        Collections.unmodifiableMap(inputs),
        List.copyOf(returnTypes),
        entry.path("output_node").asBoolean(false),
        Collections.unmodifiableSet(custom),
        Collections.unmodifiableSet(files),
        Collections.unmodifiableSet(any),
        info);
  }
}
