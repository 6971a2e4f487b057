package dev.darkroom.modelimport;

import dev.darkroom.core.usecase.ImportModelFile;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.SecretSealer;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The import job's task: one import, named by the execution's overrides. Exits 0 when the import
 * ended (imported, failed for good, or nothing left to do) and 1 when it failed in a way a retry
 * may cure, so that Cloud Run's task retry runs it again.
 */
public final class ModelImportMain {
  private static final Logger log = LoggerFactory.getLogger(ModelImportMain.class);

  private ModelImportMain() {}

  public static void main(String[] args) {
    System.exit(run(Env.system()));
  }

  static int run(Env env) {
    ModelImportJobConfig config = ModelImportJobConfig.from(env);
    ModelImportJobConfig.Task task = config.task();
    try (Adapters adapters = new Adapters(config.cloud())) {
      SecretSealer tokens = new SecretSealer(config.tokensKey());
      ImportModelFile importer = new ImportModelFile(adapters.modelStore(config.models().collection()),
          adapters.modelDownloads(config.settings().allowLoopback()), adapters.modelFileUploads(config.models()),
          tokens::open, config.settings(), Clock.systemUTC());
      log.info("importing {}/{} (import {})", task.folder(), task.name(), task.importId());
      ImportModelFile.Result result = importer.run(task.folder(), task.name(), task.importId());
      if (result.outcome() == ImportModelFile.Outcome.IMPORTED || result.outcome() == ImportModelFile.Outcome.NOTHING_TO_DO) {
        log.info("import of {}/{}: {}, {}", task.folder(), task.name(), result.outcome(), result.reason());
      } else {
        log.warn("import of {}/{}: {}, {}", task.folder(), task.name(), result.outcome(), result.reason());
      }
      return result.outcome() == ImportModelFile.Outcome.FAILED_MAY_RETRY ? 1 : 0;
    }
  }
}
