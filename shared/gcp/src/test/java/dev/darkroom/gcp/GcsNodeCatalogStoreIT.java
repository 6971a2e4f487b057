package dev.darkroom.gcp;

import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import dev.darkroom.core.port.NodeCatalogStore;
import dev.darkroom.testing.NodeCatalogStoreContract;
import java.util.UUID;

/** The Cloud Storage adapter passes the same contract as the in-memory fake, on our emulator. */
class GcsNodeCatalogStoreIT extends NodeCatalogStoreContract {
  /** A bucket of its own per test: the catalog is one fixed object name in the bucket. */
  @Override
  protected NodeCatalogStore emptyStore() {
    Storage storage = SharedLocalCloud.adapters().clients().storage();
    String bucket = "catalog-" + UUID.randomUUID();
    storage.create(BucketInfo.of(bucket));
    return new GcsNodeCatalogStore(storage, bucket);
  }
}
