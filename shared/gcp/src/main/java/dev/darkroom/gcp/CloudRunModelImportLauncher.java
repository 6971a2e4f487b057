package dev.darkroom.gcp;

import com.google.cloud.run.v2.EnvVar;
import com.google.cloud.run.v2.JobsClient;
import com.google.cloud.run.v2.RunJobRequest;
import dev.darkroom.core.port.ModelImportLauncher;

/**
 * {@link ModelImportLauncher} on Cloud Run Jobs: {@code runJob} on the model import job, one task,
 * with overrides naming the record to import ({@value #FOLDER_VARIABLE}, {@value #NAME_VARIABLE},
 * {@value #IMPORT_ID_VARIABLE}); the URL and the sealed token stay in the record, out of the
 * execution's visible configuration. Like {@link CloudRunJobLauncher}, it waits for the new
 * execution's name, not for its end.
 */
public final class CloudRunModelImportLauncher implements ModelImportLauncher {
  public static final String FOLDER_VARIABLE = "DARKROOM_MODEL_FOLDER";
  public static final String NAME_VARIABLE = "DARKROOM_MODEL_NAME";
  public static final String IMPORT_ID_VARIABLE = "DARKROOM_MODEL_IMPORT_ID";

  private final JobsClient jobs;
  private final String jobName;

  /** @param jobName {@code projects/{p}/locations/{region}/jobs/{job}} */
  public CloudRunModelImportLauncher(JobsClient jobs, String jobName) {
    this.jobs = jobs;
    this.jobName = jobName;
  }

  @Override
  public String launch(String folder, String name, String importId) {
    return CloudRunJobLauncher.run(jobs, RunJobRequest.newBuilder().setName(jobName)
        .setOverrides(overrides(folder, name, importId)).build());
  }

  static RunJobRequest.Overrides overrides(String folder, String name, String importId) {
    return RunJobRequest.Overrides.newBuilder()
        .setTaskCount(1)
        .addContainerOverrides(RunJobRequest.Overrides.ContainerOverride.newBuilder()
            .addEnv(EnvVar.newBuilder().setName(FOLDER_VARIABLE).setValue(folder))
            .addEnv(EnvVar.newBuilder().setName(NAME_VARIABLE).setValue(name))
            .addEnv(EnvVar.newBuilder().setName(IMPORT_ID_VARIABLE).setValue(importId)))
        .build();
  }
}
