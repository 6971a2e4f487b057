package dev.darkroom.testing;

import dev.darkroom.core.port.ModelBucket;

class InMemoryModelBucketTest extends ModelBucketContract {
  private final InMemoryModelFiles files = new InMemoryModelFiles();

  @Override
  protected ModelBucket bucket() {
    return files;
  }

  @Override
  protected long upload(String objectName, byte[] bytes) {
    return files.put(objectName, bytes);
  }
}
