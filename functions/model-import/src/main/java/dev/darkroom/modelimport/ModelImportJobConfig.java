package dev.darkroom.modelimport;

import dev.darkroom.core.usecase.ImportModelFile;
import dev.darkroom.gcp.CloudRunModelImportLauncher;
import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.ModelImportsConfig;
import dev.darkroom.gcp.ModelsConfig;
import java.time.Duration;

/**
 * What the import job reads from its environment: the models bucket ({@code MODELS_BUCKET}) and
 * records ({@code MODELS_COLLECTION}); the key that opens hub tokens
 * ({@link ModelImportsConfig#TOKENS_KEY_VARIABLE}); the loopback switch (local stack only);
 * {@code MODEL_IMPORT_MAX_GIB}, the largest file imported (default 64); {@code MODEL_IMPORT_TIMEOUT_SECONDS},
 * the bound on one download (Terraform sets it below the task's timeout); {@code MODEL_IMPORT_PROGRESS_SECONDS},
 * the least time between two progress writes (default 5). And, per execution, from the launcher's
 * overrides: which record to import ({@link CloudRunModelImportLauncher}'s variables).
 */
record ModelImportJobConfig(GoogleCloudConfig cloud, ModelsConfig models, byte[] tokensKey,
    ImportModelFile.Settings settings, Task task) {

  /** The import this task runs. */
  record Task(String folder, String name, String importId) {}

  static ModelImportJobConfig from(Env env) {
    int maxGib = env.intOrDefault("MODEL_IMPORT_MAX_GIB", 64);
    if (maxGib < 1) {
      throw new Env.MissingConfigException("MODEL_IMPORT_MAX_GIB must be at least 1: " + maxGib);
    }
    Duration timeout = env.positiveSecondsOrDefault("MODEL_IMPORT_TIMEOUT_SECONDS", Duration.ofHours(3));
    Duration progress = env.positiveSecondsOrDefault("MODEL_IMPORT_PROGRESS_SECONDS", Duration.ofSeconds(5));
    // Pickled formats are the models function's business, not the fetcher's.
    ModelsConfig models = new ModelsConfig(env.require("MODELS_BUCKET", "the Cloud Storage bucket of model files"),
        CollectionConfig.models(env), false);
    Task task = new Task(
        env.require(CloudRunModelImportLauncher.FOLDER_VARIABLE, "the model's folder (the launcher's override)"),
        env.require(CloudRunModelImportLauncher.NAME_VARIABLE, "the model's name (the launcher's override)"),
        env.require(CloudRunModelImportLauncher.IMPORT_ID_VARIABLE, "the import's id (the launcher's override)"));
    return new ModelImportJobConfig(GoogleCloudConfig.from(env), models, ModelImportsConfig.tokensKey(env),
        new ImportModelFile.Settings((long) maxGib << 30, timeout, progress, ModelImportsConfig.allowLoopback(env)),
        task);
  }

  @Override
  public String toString() {
    return "ModelImportJobConfig[bucket " + models.bucket() + ", " + settings + ", " + task + "]";
  }
}
