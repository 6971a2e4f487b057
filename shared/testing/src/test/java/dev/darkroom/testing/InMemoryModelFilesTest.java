package dev.darkroom.testing;

import dev.darkroom.core.port.ModelFiles;

class InMemoryModelFilesTest extends ModelFilesContract {
  private final InMemoryModelFiles files = new InMemoryModelFiles();

  @Override
  protected ModelFiles files() {
    return files;
  }

  @Override
  protected long upload(String objectName, byte[] bytes) {
    return files.put(objectName, bytes);
  }
}
