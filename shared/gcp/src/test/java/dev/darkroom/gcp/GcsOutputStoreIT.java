package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.storage.Storage;
import dev.darkroom.core.port.OutputStore;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.darkroom.testing.OutputStoreContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The Cloud Storage adapter passes the same contract as the in-memory fake, on our emulator. */
class GcsOutputStoreIT extends OutputStoreContract {
  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  protected OutputStore store() {
    return SharedLocalCloud.adapters().outputStore();
  }

  @org.junit.jupiter.api.Test
  void anOutputIsStoredWithItsHashInOneStorageCall() {
    List<String> calls = new CopyOnWriteArrayList<>();
    Storage real = SharedLocalCloud.adapters().clients().storage();
    Storage counting = (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class},
        (proxy, method, args) -> {
          calls.add(method.getName());
          try {
            return method.invoke(real, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    OutputStore store = new GcsOutputStore(counting, "darkroom-adapter-tests", null, null);
    byte[] bytes = "an image, or so".getBytes(StandardCharsets.UTF_8);

    OutputStore.StoredObject stored = store.put("outputs/u/" + UUID.randomUUID() + "/one-call.png", "image/png",
        new ByteArrayInputStream(bytes));

    assertThat(calls).hasSize(1);
    assertThat(store.stat(stored.objectName()).orElseThrow().sha256()).isEqualTo(stored.sha256()).hasSize(64);
  }

  @org.junit.jupiter.api.Test
  void anOutputPastTheInMemoryLimitIsSpooledAndStillCarriesItsHash() throws Exception {
    OutputStore store = new GcsOutputStore(SharedLocalCloud.adapters().clients().storage(), "darkroom-adapter-tests",
        null, null, 8);
    byte[] bytes = "more than eight bytes of output".getBytes(StandardCharsets.UTF_8);

    OutputStore.StoredObject stored = store.put("outputs/u/" + UUID.randomUUID() + "/spooled.png", "image/png",
        new ByteArrayInputStream(bytes));

    assertThat(stored.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(stored.size()).isEqualTo(bytes.length);
    assertThat(store.stat(stored.objectName()).orElseThrow().sha256()).isEqualTo(stored.sha256());
    assertThat(store.read(stored.objectName()).orElseThrow()).isEqualTo(bytes);
  }

  @Override
  protected byte[] fetch(URI signedUrl) throws Exception {
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(signedUrl).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new AssertionError("signed URL answered " + response.statusCode() + ": " + new String(response.body()));
    }
    return response.body();
  }
}
