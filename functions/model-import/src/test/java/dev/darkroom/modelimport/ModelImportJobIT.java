package dev.darkroom.modelimport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BucketInfo;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.darkroom.core.event.FinalizedObject;
import dev.darkroom.core.models.ModelImports;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.core.models.ModelRecord.State;
import dev.darkroom.core.port.ModelStore;
import dev.darkroom.core.usecase.CheckModelFile;
import dev.darkroom.core.usecase.ImportModelFile;
import dev.darkroom.emulators.LocalCloud;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.CloudRunModelImportLauncher;
import dev.darkroom.gcp.CollectionConfig;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleCloudConfig;
import dev.darkroom.gcp.ModelImportsConfig;
import dev.darkroom.gcp.ModelsConfig;
import dev.darkroom.gcp.SecretSealer;
import dev.darkroom.gcp.WebhooksConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The import job against the local Storage and Firestore emulators and a local HTTP server
 * standing in for a model hub: the file streamed into the bucket by a resumable upload, then
 * checked as the models function checks every finalized object.
 */
class ModelImportJobIT {
  private static final String BUCKET = "darkroom-import-tests-models";
  private static final String TOKEN = "hf_GatedRepoToken";
  private static final byte[] KEY = "a test key of at least thirty-two bytes!".getBytes(StandardCharsets.UTF_8);

  private static LocalCloud cloud;
  private static Adapters adapters;
  private static ModelStore models;
  private static HttpServer hub;
  private static String hubUrl;
  /** Each path the hub serves, and the Authorization header each request brought (or "none"). */
  private static final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private static final List<String> authorizations = new CopyOnWriteArrayList<>();
  private static volatile CountDownLatch slowHubGate = new CountDownLatch(0);

  @BeforeAll
  static void start() throws IOException {
    cloud = LocalCloud.start(LocalCloud.Options.allOnFreePorts("darkroom-imports",
        Files.createTempDirectory("darkroom-imports")));
    adapters = new Adapters(GoogleCloudConfig.from(new Env(cloud.environment())));
    adapters.clients().storage().create(BucketInfo.of(BUCKET));
    models = adapters.modelStore(CollectionConfig.models(new Env(Map.of())));
    hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hub.createContext("/", ModelImportJobIT::serve);
    hub.start();
    hubUrl = "http://127.0.0.1:" + hub.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.stop(0);
    }
    if (adapters != null) {
      adapters.close();
    }
    if (cloud != null) {
      cloud.close();
    }
  }

  /**
   * The hub: {@code /gated/...} wants the bearer token; {@code /redirect-to?<url>} redirects;
   * {@code /status/<n>} answers n; {@code /slow/...} sends its file in 64 KiB pieces and waits at
   * three quarters for the test's gate.
   */
  private static void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    authorizations.add(path + " " + String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    try (exchange) {
      if (path.startsWith("/redirect-to")) {
        exchange.getResponseHeaders().add("Location", exchange.getRequestURI().getRawQuery());
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      if (path.startsWith("/status/")) {
        exchange.sendResponseHeaders(Integer.parseInt(path.substring("/status/".length())), -1);
        return;
      }
      if (path.startsWith("/gated/") && !("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      byte[] bytes = files.get(path);
      if (bytes == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.sendResponseHeaders(200, bytes.length);
      OutputStream out = exchange.getResponseBody();
      if (!path.startsWith("/slow/")) {
        out.write(bytes);
        return;
      }
      int piece = 64 * 1024;
      for (int at = 0; at < bytes.length; at += piece) {
        if (at >= bytes.length * 3 / 4 && at < bytes.length * 3 / 4 + piece) {
          try {
            slowHubGate.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        out.write(bytes, at, Math.min(piece, bytes.length - at));
        out.flush();
      }
    }
  }

  /** A valid safetensors file of one F32 tensor of {@code floats} elements. */
  private static byte[] safetensors(int floats) {
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[" + floats + "],\"data_offsets\":[0," + floats * 4 + "]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
    out.writeBytes(json);
    byte[] data = new byte[floats * 4];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** Records an import as the api does; the token sealed for it. */
  private static String recordImport(String folder, String name, String url, String sha256, String token) {
    String id = ModelImports.importId(folder, name, url);
    Instant now = Instant.now();
    models.put(new ModelRecord(folder, name, 0, 0, sha256, State.IMPORTING, null, 0, new TreeMap<>(), now, "admin-1",
        new ModelRecord.Import(id, url, token == null ? null : new SecretSealer(KEY).seal(token, id), 0, -1,
            "executions/e1", now)));
    return id;
  }

  private static ImportModelFile importer(boolean allowLoopback, java.time.Clock clock) {
    return new ImportModelFile(models, adapters.modelDownloads(allowLoopback),
        adapters.modelFileUploads(new ModelsConfig(BUCKET, CollectionConfig.models(new Env(Map.of())), false)),
        new SecretSealer(KEY)::open,
        new ImportModelFile.Settings(1L << 30, Duration.ofMinutes(2), Duration.ofSeconds(5), allowLoopback), clock);
  }

  /** What the models function does on the object's finalize event. */
  private static ModelRecord checkAsTheModelsFunctionWould(String objectName) {
    Blob blob = adapters.clients().storage().get(BlobId.of(BUCKET, objectName));
    new CheckModelFile(models, adapters.modelFiles(new ModelsConfig(BUCKET, CollectionConfig.models(new Env(Map.of())),
        false)), false, java.time.Clock.systemUTC())
        .handle(new FinalizedObject(objectName, blob.getContentType(), blob.getSize(), blob.getGeneration()));
    int slash = objectName.indexOf('/');
    return models.get(objectName.substring(0, slash), objectName.substring(slash + 1)).orElseThrow();
  }

  private static String unique(String suffix) {
    return "it-" + UUID.randomUUID() + suffix;
  }

  @Test
  void aGatedFileIsImportedThroughTheJobsMainAndCheckedReady() throws Exception {
    byte[] bytes = safetensors(50_000);
    String name = unique(".safetensors");
    files.put("/gated/" + name, bytes);
    String url = hubUrl + "/gated/" + name;
    String id = recordImport("loras", name, url, sha256(bytes), TOKEN);
    Map<String, String> env = new LinkedHashMap<>(cloud.environment());
    env.put("MODELS_BUCKET", BUCKET);
    env.put(ModelImportsConfig.TOKENS_KEY_VARIABLE, new String(KEY, StandardCharsets.UTF_8));
    env.put(WebhooksConfig.ALLOW_LOOPBACK_VARIABLE, "true");
    env.put(CloudRunModelImportLauncher.FOLDER_VARIABLE, "loras");
    env.put(CloudRunModelImportLauncher.NAME_VARIABLE, name);
    env.put(CloudRunModelImportLauncher.IMPORT_ID_VARIABLE, id);

    assertThat(ModelImportMain.run(new Env(env))).isZero();

    Blob blob = adapters.clients().storage().get(BlobId.of(BUCKET, "loras/" + name));
    assertThat(blob.getSize()).isEqualTo(bytes.length);
    assertThat(blob.getMetadata()).containsEntry(ImportModelFile.IMPORT_ID_METADATA, id);
    assertThat(authorizations).contains("/gated/" + name + " Bearer " + TOKEN);
    ModelRecord imported = models.get("loras", name).orElseThrow();
    assertThat(imported.imported().bytesDone()).isEqualTo(bytes.length);
    assertThat(imported.imported().bytesTotal()).isEqualTo(bytes.length);

    ModelRecord checked = checkAsTheModelsFunctionWould("loras/" + name);
    assertThat(checked.state()).isEqualTo(State.READY);
    assertThat(checked.sha256()).isEqualTo(sha256(bytes));
    assertThat(checked.tensors()).isEqualTo(1);
    assertThat(checked.imported().sealedToken()).as("a finished import keeps no token").isNull();

    assertThat(ModelImportMain.run(new Env(env))).as("a retried task finds the import ended").isZero();
    assertThat(adapters.clients().storage().get(BlobId.of(BUCKET, "loras/" + name)).getGeneration())
        .isEqualTo(blob.getGeneration());
  }

  @Test
  void aFileWhoseChecksumDiffersFromTheAnnouncedOneEndsRefused() throws Exception {
    byte[] bytes = safetensors(1000);
    String name = unique(".safetensors");
    files.put("/files/" + name, bytes);
    String id = recordImport("vae", name, hubUrl + "/files/" + name, "00".repeat(32), null);

    assertThat(importer(true, java.time.Clock.systemUTC()).run("vae", name, id).outcome())
        .isEqualTo(ImportModelFile.Outcome.IMPORTED);

    ModelRecord checked = checkAsTheModelsFunctionWould("vae/" + name);
    assertThat(checked.state()).isEqualTo(State.REFUSED);
    assertThat(checked.reason()).startsWith("checksum mismatch").contains("00".repeat(32)).contains(sha256(bytes));
  }

  @Test
  void aUrlTheOutboundPolicyRefusesEndsFailedWithoutAnObject() {
    String name = unique(".safetensors");
    files.put("/files/" + name, safetensors(10));
    // In the cloud loopback is refused, https or not.
    String url = "https://127.0.0.1:" + hub.getAddress().getPort() + "/files/" + name;
    String id = recordImport("loras", name, url, null, null);

    ImportModelFile.Result result = importer(false, java.time.Clock.systemUTC()).run("loras", name, id);

    assertThat(result.outcome()).isEqualTo(ImportModelFile.Outcome.FAILED);
    ModelRecord failed = models.get("loras", name).orElseThrow();
    assertThat(failed.state()).isEqualTo(State.FAILED);
    assertThat(failed.reason()).contains("outbound URL policy").contains("loopback");
    assertThat(adapters.clients().storage().get(BlobId.of(BUCKET, "loras/" + name))).isNull();
    assertThat(authorizations).noneMatch(request -> request.startsWith("/files/" + name));
  }

  @Test
  void aRedirectToARefusedHostEndsFailedAndTheTokenNeverLeavesTheFirstHost() {
    String name = unique(".safetensors");
    String toPrivate = hubUrl + "/redirect-to?https://10.1.2.3/" + name;
    String id = recordImport("loras", name, toPrivate, null, TOKEN);

    ImportModelFile.Result refused = importer(true, java.time.Clock.systemUTC()).run("loras", name, id);

    assertThat(refused.outcome()).isEqualTo(ImportModelFile.Outcome.FAILED);
    assertThat(models.get("loras", name).orElseThrow().reason()).contains("redirect 1").contains("private address");
    assertThat(models.get("loras", name).orElseThrow().imported().sealedToken()).isNull();
    assertThat(adapters.clients().storage().get(BlobId.of(BUCKET, "loras/" + name))).isNull();

    // The same server under another host name is another host: the file comes, the token does not.
    String other = unique(".safetensors");
    files.put("/gated-elsewhere/" + other, safetensors(10));
    String toOtherHost = hubUrl + "/redirect-to?http://localhost:" + hub.getAddress().getPort() + "/gated-elsewhere/" + other;
    String otherId = recordImport("loras", other, toOtherHost, null, TOKEN);
    assertThat(importer(true, java.time.Clock.systemUTC()).run("loras", other, otherId).outcome())
        .isEqualTo(ImportModelFile.Outcome.IMPORTED);
    assertThat(authorizations).contains("/redirect-to Bearer " + TOKEN, "/gated-elsewhere/" + other + " null");
  }

  @Test
  void hubErrorsEndFailedAndOnlyServerErrorsAreWorthARetry() {
    String missing = unique(".safetensors");
    String missingId = recordImport("loras", missing, hubUrl + "/status/404", null, null);
    assertThat(importer(true, java.time.Clock.systemUTC()).run("loras", missing, missingId).outcome())
        .isEqualTo(ImportModelFile.Outcome.FAILED);
    assertThat(models.get("loras", missing).orElseThrow().reason()).contains("answered HTTP 404");

    String busy = unique(".safetensors");
    String busyId = recordImport("loras", busy, hubUrl + "/status/503", null, null);
    assertThat(importer(true, java.time.Clock.systemUTC()).run("loras", busy, busyId).outcome())
        .isEqualTo(ImportModelFile.Outcome.FAILED_MAY_RETRY);
    assertThat(models.get("loras", busy).orElseThrow().state()).isEqualTo(State.FAILED);
  }

  @Test
  void progressIsRecordedWhileTheFileStreams() throws Exception {
    byte[] bytes = safetensors(256 * 1024);
    String name = unique(".safetensors");
    files.put("/slow/" + name, bytes);
    String id = recordImport("checkpoints", name, hubUrl + "/slow/" + name, null, null);
    slowHubGate = new CountDownLatch(1);
    // A second passes on the importer's clock each time it looks: a progress write every few reads.
    java.util.concurrent.atomic.AtomicLong seconds = new java.util.concurrent.atomic.AtomicLong();
    Instant start = Instant.now();
    java.time.Clock ticking = new java.time.Clock() {
      @Override
      public Instant instant() {
        return start.plusSeconds(seconds.getAndIncrement());
      }

      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }
    };
    var running = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> importer(true, ticking).run("checkpoints", name, id));

    await().atMost(Duration.ofSeconds(20)).until(() -> {
      ModelRecord now = models.get("checkpoints", name).orElseThrow();
      return now.state() == State.IMPORTING && now.imported().bytesDone() > 0;
    });
    ModelRecord midway = models.get("checkpoints", name).orElseThrow();
    assertThat(midway.imported().bytesDone()).isLessThan(bytes.length);
    assertThat(midway.imported().bytesTotal()).isEqualTo(bytes.length);
    assertThat(adapters.clients().storage().get(BlobId.of(BUCKET, "checkpoints/" + name)))
        .as("nothing is visible before the upload is finished").isNull();
    slowHubGate.countDown();

    assertThat(running.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(ImportModelFile.Outcome.IMPORTED);
    assertThat(checkAsTheModelsFunctionWould("checkpoints/" + name).state()).isEqualTo(State.READY);
  }
}
