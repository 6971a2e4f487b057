package dev.darkroom.emulators.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobTargetOption;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract against {@link StorageEmulator}, plus what only an emulator can show. */
class StorageEmulatorIT extends StorageContract {
  private static final String BUCKET = "darkroom-it";

  @TempDir static Path tempDir;
  static StorageEmulator emulator;
  static Storage storage;
  static ServiceAccountCredentials signer;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    emulator = StorageEmulator.start(0, tempDir.resolve("data"));
    storage = clientFor(emulator);
    storage.create(BucketInfo.of(BUCKET));
    try (InputStream key = Files.newInputStream(emulator.signerKeyFile())) {
      signer = ServiceAccountCredentials.fromStream(key);
    }
  }

  @AfterAll
  static void stop() {
    emulator.close();
  }

  static Storage clientFor(StorageEmulator emulator) {
    return StorageOptions.newBuilder()
        .setProjectId("darkroom-local")
        .setHost(emulator.baseUrl())
        .setCredentials(NoCredentials.getInstance())
        .build()
        .getService();
  }

  @Override
  Storage storage() {
    return storage;
  }

  @Override
  String bucket() {
    return BUCKET;
  }

  @Override
  URL signedGetUrl(BlobInfo blob, Duration validity) {
    return storage.signUrl(blob, validity.toSeconds(), TimeUnit.SECONDS,
        Storage.SignUrlOption.withV4Signature(),
        Storage.SignUrlOption.withHostName(emulator.baseUrl()),
        Storage.SignUrlOption.signWith(signer));
  }

  @Override
  URL signedPostUrl(BlobInfo blob, Duration validity, java.util.Map<String, String> headers) {
    return storage.signUrl(blob, validity.toSeconds(), TimeUnit.SECONDS,
        Storage.SignUrlOption.withV4Signature(),
        Storage.SignUrlOption.httpMethod(com.google.cloud.storage.HttpMethod.POST),
        Storage.SignUrlOption.withExtHeaders(headers),
        Storage.SignUrlOption.withHostName(emulator.baseUrl()),
        Storage.SignUrlOption.signWith(signer));
  }

  @Test
  void describesItselfForClients() {
    assertThat(emulator.name()).isEqualTo("storage");
    assertThat(emulator.hostPort()).isEqualTo("127.0.0.1:" + emulator.port());
    assertThat(emulator.environment()).containsExactly(
        java.util.Map.entry("STORAGE_EMULATOR_HOST", "http://127.0.0.1:" + emulator.port()),
        java.util.Map.entry("STORAGE_SIGNER_KEY_FILE", emulator.signerKeyFile().toString()));
    assertThat(signer.getClientEmail()).isEqualTo("local-signer@darkroom-local.iam.gserviceaccount.com");
  }

  @Test
  void clientRetriesThroughInjectedUnavailability() {
    int before = emulator.injectedFailuresServed();
    byte[] data = bytes("survives two 503s");

    emulator.failNextRequests(2);
    storage.create(info("retried.txt"), data, BlobTargetOption.doesNotExist());
    assertThat(emulator.injectedFailuresServed()).isEqualTo(before + 2);

    emulator.failNextRequests(1);
    assertThat(storage.readAllBytes(id("retried.txt"))).isEqualTo(data);
    assertThat(emulator.injectedFailuresServed()).isEqualTo(before + 3);
  }

  @Test
  void faultsCanBeInjectedOverHttp() throws Exception {
    storage.create(info("probe"), bytes("x"));
    JsonNode state = json.readTree(send("POST", "/_emulator/faults", "{\"unavailable\": 1}").body());
    assertThat(state.get("unavailable").asInt()).isEqualTo(1);

    HttpResponse<String> failed = send("GET", objectPath("probe"), null);
    HttpResponse<String> next = send("GET", objectPath("probe"), null);

    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(json.readTree(failed.body()).at("/error/code").asInt()).isEqualTo(503);
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(json.readTree(send("GET", "/_emulator/faults", null).body()).get("unavailable").asInt()).isZero();
    assertThat(send("POST", "/_emulator/faults", "{\"unavailable\": \"lots\"}").statusCode()).isEqualTo(400);
  }

  @Test
  void dataAndSignerSurviveARestart(@TempDir Path dir) throws Exception {
    byte[] data = randomBytes(70_000, 4);
    String keyBefore;
    long generation;
    try (StorageEmulator first = StorageEmulator.start(0, dir)) {
      Storage client = clientFor(first);
      client.create(BucketInfo.of("restart-bucket"));
      generation = client.create(BlobInfo.newBuilder("restart-bucket", "kept/object.bin").build(), data).getGeneration();
      keyBefore = Files.readString(first.signerKeyFile());
    }
    try (StorageEmulator second = StorageEmulator.start(0, dir)) {
      Storage client = clientFor(second);
      Blob blob = client.get(BlobId.of("restart-bucket", "kept/object.bin"));
      assertThat(blob.getGeneration()).isEqualTo(generation);
      assertThat(client.readAllBytes(blob.getBlobId())).isEqualTo(data);
      assertThat(Files.readString(second.signerKeyFile())).isEqualTo(keyBefore);
    }
  }

  @Test
  void bucketsAreCreatedListedAndDeletedOnlyWhenEmpty() {
    storage.create(BucketInfo.of("lifecycle-bucket"));
    storage.create(BlobInfo.newBuilder("lifecycle-bucket", "x").build(), bytes("x"));

    assertThat(storage.get("lifecycle-bucket").getName()).isEqualTo("lifecycle-bucket");
    assertThat(storage.list().iterateAll()).extracting(b -> b.getName()).contains("lifecycle-bucket", BUCKET);
    assertThatCode(() -> storage.create(BucketInfo.of("lifecycle-bucket")), 409);
    assertThatCode(() -> storage.delete("lifecycle-bucket"), 409);

    storage.delete(BlobId.of("lifecycle-bucket", "x"));
    assertThat(storage.delete("lifecycle-bucket")).isTrue();
    assertThat(storage.get("lifecycle-bucket")).isNull();
    assertThatCode(() -> storage.create(BlobInfo.newBuilder("no-such-bucket", "x").build(), bytes("x")), 404);
  }

  @Test
  void traversalInNamesNeverLeavesTheDataDirectory() throws Exception {
    for (String name : List.of("../../escaped.txt", "/etc/escaped.txt", "..%2F..%2Fescaped.txt", "a/../../b")) {
      storage.create(BlobInfo.newBuilder(BUCKET, name).build(), bytes(name));
      assertThat(storage.readAllBytes(BlobId.of(BUCKET, name))).isEqualTo(bytes(name));
      storage.delete(BlobId.of(BUCKET, name));
    }
    try (Stream<Path> outside = Files.list(tempDir)) {
      assertThat(outside).extracting(p -> p.getFileName().toString()).containsExactly("data");
    }

    assertThat(send("GET", "/storage/v1/b/..%2F..%2Fetc/o", null).statusCode()).isEqualTo(400);
    assertThat(send("GET", "/storage/v1/b/../o", null).statusCode()).isBetween(400, 404);
    HttpResponse<String> passwd = send("GET", "/storage/v1/b/" + BUCKET + "/o/..%2F..%2F..%2F..%2Fetc%2Fpasswd?alt=media", null);
    assertThat(passwd.statusCode()).isEqualTo(404);
    assertThat(json.readTree(passwd.body()).at("/error/errors/0/reason").asText()).isEqualTo("notFound");
    HttpResponse<String> xmlPasswd = send("GET", "/" + BUCKET + "/..%2F..%2F..%2F..%2Fetc%2Fpasswd", null);
    assertThat(xmlPasswd.statusCode()).isEqualTo(403);
    assertThat(xmlPasswd.body()).doesNotContain("root:");
  }

  @Test
  void badInputGetsGcsShapedClientErrors() throws Exception {
    HttpResponse<String> badJson = send("POST", "/storage/v1/b?project=p", "{not json");
    assertThat(badJson.statusCode()).isEqualTo(400);
    assertThat(json.readTree(badJson.body()).at("/error/errors/0/reason").asText()).isEqualTo("parseError");

    assertThat(send("POST", "/storage/v1/b?project=p", "{\"name\":\"Not_A_Valid..Bucket\"}").statusCode()).isEqualTo(400);
    assertThat(send("GET", "/storage/v1/b/" + BUCKET + "/o?maxResults=-1", null).statusCode()).isEqualTo(400);
    assertThat(send("GET", objectPath("x") + "?ifGenerationMatch=abc", null).statusCode()).isEqualTo(400);
    assertThat(send("POST", "/upload/storage/v1/b/" + BUCKET + "/o?uploadType=multipart", "no boundary").statusCode()).isEqualTo(400);
    assertThat(send("PUT", "/upload/storage/v1/b/" + BUCKET + "/o?uploadType=resumable&upload_id=nope", "").statusCode()).isEqualTo(404);
    HttpResponse<String> batch = send("POST", "/batch/storage/v1", "");
    assertThat(batch.statusCode()).isEqualTo(501);
    assertThat(json.readTree(batch.body()).at("/error/message").asText()).contains("per blob");
    HttpResponse<String> notFound = send("GET", objectPath("never-written"), null);
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(json.readTree(notFound.body()).at("/error/code").asInt()).isEqualTo(404);
  }

  @Test
  void resumableSessionsAnswerStatusQueries() throws Exception {
    HttpResponse<String> started = send("POST", "/upload/storage/v1/b/" + BUCKET + "/o?uploadType=resumable&name="
        + prefixed("raw-resumable"), "{\"contentType\":\"text/plain\"}");
    assertThat(started.statusCode()).isEqualTo(200);
    String session = started.headers().firstValue("Location").orElseThrow();
    byte[] data = randomBytes(300_000, 5);

    HttpResponse<String> firstChunk = put(session, "bytes 0-262143/*", java.util.Arrays.copyOfRange(data, 0, 262_144));
    HttpResponse<String> status = put(session, "bytes */*", new byte[0]);
    HttpResponse<String> badRange = put(session, "bytes 280000-299999/300000", java.util.Arrays.copyOfRange(data, 280_000, 300_000));
    HttpResponse<String> last = put(session, "bytes 262144-299999/300000", java.util.Arrays.copyOfRange(data, 262_144, 300_000));
    HttpResponse<String> again = put(session, "bytes */300000", new byte[0]);

    assertThat(firstChunk.statusCode()).isEqualTo(308);
    assertThat(firstChunk.headers().firstValue("Range")).hasValue("bytes=0-262143");
    assertThat(status.statusCode()).isEqualTo(308);
    assertThat(status.headers().firstValue("Range")).hasValue("bytes=0-262143");
    assertThat(badRange.statusCode()).isEqualTo(400);
    assertThat(last.statusCode()).isEqualTo(200);
    assertThat(json.readTree(last.body()).get("size").asText()).isEqualTo("300000");
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(storage.readAllBytes(id("raw-resumable"))).isEqualTo(data);
    assertThat(storage.get(id("raw-resumable")).getContentType()).isEqualTo("text/plain");
  }

  @Test
  void concurrentWritersLeaveOneCompleteVersion() throws Exception {
    int writers = 8;
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      contents.add(randomBytes(400_000, 100 + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<Long>> generations = new ArrayList<>();
    try {
      for (byte[] content : contents) {
        Callable<Long> write = () -> storage.create(info("contended.bin"), content).getGeneration();
        generations.add(pool.submit(write));
      }
      List<Long> seen = new ArrayList<>();
      for (Future<Long> generation : generations) {
        seen.add(generation.get(30, TimeUnit.SECONDS));
      }
      assertThat(Set.copyOf(seen)).hasSize(writers);
      Blob winner = storage.get(id("contended.bin"));
      assertThat(winner.getGeneration()).isEqualTo(seen.stream().mapToLong(Long::longValue).max().orElseThrow());
      byte[] stored = storage.readAllBytes(id("contended.bin"));
      assertThat(contents).anySatisfy(c -> assertThat(c).isEqualTo(stored));
      assertThat(winner.getMd5()).isEqualTo(base64Md5(stored));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void headOnSignedUrlReportsSizeWithoutBody() throws Exception {
    storage.create(BlobInfo.newBuilder(id("signed/head.bin")).setContentType("image/png").build(), randomBytes(1234, 6));
    String url = signedGetUrl(info("signed/head.bin"), Duration.ofMinutes(1)).toString();

    HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(url))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> unsigned = send("GET", URI.create(url).getRawPath(), null);

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(1234);
    assertThat(unsigned.statusCode()).isEqualTo(403);
    assertThat(unsigned.body()).contains("AccessDenied");
  }

  // ---- helpers ----

  private String prefixed(String name) {
    return java.net.URLEncoder.encode(id(name).getName(), StandardCharsets.UTF_8);
  }

  private String objectPath(String name) {
    return "/storage/v1/b/" + BUCKET + "/o/" + prefixed(name).replace("+", "%20");
  }

  private HttpResponse<String> send(String method, String path, String body) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(emulator.baseUrl() + path))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
          .header("Content-Type", "application/json")
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> put(String url, String contentRange, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Range", contentRange)
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertThatCode(Runnable call, int code) {
    org.assertj.core.api.Assertions.assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(code));
  }
}
