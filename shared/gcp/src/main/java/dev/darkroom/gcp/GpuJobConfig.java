package dev.darkroom.gcp;

/** {@code GPU_JOB_NAME}: the Cloud Run GPU job that runs prompts, projects/{p}/locations/{region}/jobs/{job}. */
public record GpuJobConfig(String name) {

  public static GpuJobConfig from(Env env) {
    return new GpuJobConfig(env.require("GPU_JOB_NAME",
        "the Cloud Run GPU job: projects/{p}/locations/{region}/jobs/{job}"));
  }
}
