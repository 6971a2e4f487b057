package dev.darkroom.testing;

import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.port.ModelStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link ModelStore} in memory; a put is one atomic {@code compute}, like Firestore's transaction. */
public final class InMemoryModelStore implements ModelStore {
  private final Map<List<String>, ModelRecord> models = new ConcurrentHashMap<>();

  @Override
  public Optional<ModelRecord> get(String folder, String name) {
    return Optional.ofNullable(models.get(List.of(folder, name)));
  }

  @Override
  public ModelRecord put(ModelRecord model) {
    return models.compute(List.of(model.folder(), model.name()),
        (key, stored) -> ModelStore.replaces(model, stored) ? model : stored);
  }

  @Override
  public Optional<ModelRecord> compute(String folder, String name,
      java.util.function.Function<Optional<ModelRecord>, Optional<ModelRecord>> change) {
    return Optional.ofNullable(models.compute(List.of(folder, name),
        (key, stored) -> change.apply(Optional.ofNullable(stored)).orElse(stored)));
  }

  /** Forgets every record (for tests that share a store). */
  public void clear() {
    models.clear();
  }

  @Override
  public List<ModelRecord> list(String folder) {
    return models.values().stream().filter(model -> !model.deleted())
        .filter(model -> folder == null || model.folder().equals(folder))
        .sorted(Comparator.comparing(ModelRecord::folder).thenComparing(ModelRecord::name)).toList();
  }
}
