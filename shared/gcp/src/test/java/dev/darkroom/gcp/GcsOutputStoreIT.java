package dev.darkroom.gcp;

import dev.darkroom.core.port.OutputStore;
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

  @Override
  protected byte[] fetch(URI signedUrl) throws Exception {
    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(signedUrl).build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new AssertionError("signed URL answered " + response.statusCode() + ": " + new String(response.body()));
    }
    return response.body();
  }
}
