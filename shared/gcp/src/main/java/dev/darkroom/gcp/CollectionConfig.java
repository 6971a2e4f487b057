package dev.darkroom.gcp;

/**
 * A Firestore collection, by name; each from its own variable (prefixed per environment in the
 * cloud), so that a deployable reads only the collections it uses.
 */
public record CollectionConfig(String name) {

  /** {@code JOBS_COLLECTION}: the live job documents. */
  public static CollectionConfig jobs(Env env) {
    return new CollectionConfig(env.orDefault("JOBS_COLLECTION", "jobs"));
  }

  /** {@code IDEMPOTENCY_KEYS_COLLECTION}: which job each client's {@code Idempotency-Key} names. */
  public static CollectionConfig idempotencyKeys(Env env) {
    return new CollectionConfig(env.orDefault("IDEMPOTENCY_KEYS_COLLECTION", "idempotency_keys"));
  }

  /** {@code DEPLOYMENTS_COLLECTION}: users' deployments, each with its versions beneath it. */
  public static CollectionConfig deployments(Env env) {
    return new CollectionConfig(env.orDefault("DEPLOYMENTS_COLLECTION", "deployments"));
  }

  /** {@code DEVICES_COLLECTION}: FCM registration tokens of users' devices. */
  public static CollectionConfig devices(Env env) {
    return new CollectionConfig(env.orDefault("DEVICES_COLLECTION", "devices"));
  }

  /** {@code MODELS_COLLECTION}: the models' states, {@code {folder}__{name}} (the models function writes, the api lists). */
  public static CollectionConfig models(Env env) {
    return new CollectionConfig(env.orDefault("MODELS_COLLECTION", "models"));
  }

  /** {@code GPU_SLOTS_COLLECTION}: the GPU slots (see {@link GpuPoolConfig}). */
  public static CollectionConfig gpuSlots(Env env) {
    return new CollectionConfig(env.orDefault("GPU_SLOTS_COLLECTION", "gpuSlots"));
  }

  /** {@code STREAM_TICKETS_COLLECTION}: the single-use tickets that open sockets and event streams. */
  public static CollectionConfig streamTickets(Env env) {
    return new CollectionConfig(env.orDefault("STREAM_TICKETS_COLLECTION", "stream_tickets"));
  }
}
