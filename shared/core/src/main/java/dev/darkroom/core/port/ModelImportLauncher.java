package dev.darkroom.core.port;

/**
 * Starts the background job that fetches one import into the models bucket (a Cloud Run job
 * execution in the cloud, sized for multi-GB downloads). The job reads the import's URL and
 * sealed token from the model's record: what is launched carries only which record to read.
 */
public interface ModelImportLauncher {

  /**
   * @return the execution's name
   * @throws RuntimeException if no execution could be started (the caller records the import as failed)
   */
  String launch(String folder, String name, String importId);
}
