package dev.darkroom.testing;

import dev.darkroom.core.port.UserFiles;

/** The fake passes the same contract as the Cloud Storage adapter. */
class InMemoryUserFilesTest extends UserFilesContract {
  private final InMemoryUserFiles store = new InMemoryUserFiles();

  @Override
  protected UserFiles store() {
    return store;
  }
}
