package dev.darkroom.gcp;

import com.google.cloud.storage.BlobInfo;
import dev.darkroom.core.port.ModelFiles;
import dev.darkroom.testing.ModelFilesContract;

/** The Cloud Storage adapter passes the same contract as the in-memory fake, on the local Storage emulator. */
class GcsModelFilesIT extends ModelFilesContract {
  private static final String BUCKET = "darkroom-adapter-tests-models";

  @Override
  protected ModelFiles files() {
    return SharedLocalCloud.adapters().modelFiles();
  }

  @Override
  protected long upload(String objectName, byte[] bytes) {
    return SharedLocalCloud.adapters().clients().storage()
        .create(BlobInfo.newBuilder(BUCKET, objectName).build(), bytes).getGeneration();
  }
}
