package dev.darkroom.testing;

import dev.darkroom.core.port.OutputStore;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** The fake output store passes the same contract as the Cloud Storage adapter. */
class InMemoryOutputStoreTest extends OutputStoreContract {
  private final InMemoryOutputStore store = new InMemoryOutputStore();

  @Override
  protected OutputStore store() {
    return store;
  }

  @Override
  protected byte[] fetch(URI signedUrl) {
    String name = URLDecoder.decode(signedUrl.getRawSchemeSpecificPart().substring(1).split("\\?")[0], StandardCharsets.UTF_8);
    return store.objects.get(name).content();
  }
}
