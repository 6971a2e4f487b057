package dev.darkroom.gcp;

/**
 * The models bucket ({@code MODELS_BUCKET}), the collection of the models' states
 * ({@code MODELS_COLLECTION}) and whether pickled formats may be loaded ({@code ALLOW_PICKLED_MODELS},
 * {@code true} or {@code false}, default false: a pickle can run code when ComfyUI loads it).
 */
public record ModelsConfig(String bucket, CollectionConfig collection, boolean allowPickled) {

  public static ModelsConfig from(Env env) {
    String pickled = env.orDefault("ALLOW_PICKLED_MODELS", "false");
    if (!pickled.equals("true") && !pickled.equals("false")) {
      throw new Env.MissingConfigException("ALLOW_PICKLED_MODELS must be true or false, got '" + pickled + "'");
    }
    return new ModelsConfig(env.require("MODELS_BUCKET", "the Cloud Storage bucket of model files"),
        CollectionConfig.models(env), pickled.equals("true"));
  }
}
