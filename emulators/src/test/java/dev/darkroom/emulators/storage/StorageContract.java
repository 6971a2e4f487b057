package dev.darkroom.emulators.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobSourceOption;
import com.google.cloud.storage.Storage.BlobTargetOption;
import com.google.cloud.storage.StorageException;
import com.google.api.gax.paging.Page;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What Darkroom relies on from Cloud Storage, written only against the official client, so the
 * same tests run against the emulator and against the real service and the two cannot drift.
 */
abstract class StorageContract {
  /** A client pointed at the service under test. */
  abstract Storage storage();

  /** An existing bucket the tests may write to; every test stays under its own prefix. */
  abstract String bucket();

  /** A V4 signed GET URL for {@code blob}, valid for {@code validity}. */
  abstract URL signedGetUrl(BlobInfo blob, Duration validity);

  /** A V4 signed POST for {@code blob} with these extension headers signed. */
  abstract URL signedPostUrl(BlobInfo blob, Duration validity, Map<String, String> headers);

  private final String prefix = "contract-" + UUID.randomUUID() + "/";
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void deleteWhatTheTestWrote() {
    storage().list(bucket(), BlobListOption.prefix(prefix)).iterateAll().forEach(b -> storage().delete(b.getBlobId()));
  }

  BlobId id(String name) {
    return BlobId.of(bucket(), prefix + name);
  }

  BlobInfo info(String name) {
    return BlobInfo.newBuilder(id(name)).build();
  }

  @Test
  void resumableUploadOfTenMegabytesReadsBackByteForByteAndByRange() throws Exception {
    byte[] data = randomBytes(10 * 1024 * 1024 + 12_345, 1);
    BlobInfo target = BlobInfo.newBuilder(id("big.bin")).setContentType("application/x-safetensors").build();
    try (WriteChannel writer = storage().writer(target)) {
      writer.setChunkSize(512 * 1024);
      for (int offset = 0; offset < data.length; offset += 100_000) {
        writer.write(ByteBuffer.wrap(data, offset, Math.min(100_000, data.length - offset)));
      }
    }

    Blob stored = storage().get(target.getBlobId());
    assertThat(stored.getSize()).isEqualTo(data.length);
    assertThat(stored.getContentType()).isEqualTo("application/x-safetensors");
    assertThat(stored.getMd5()).isEqualTo(base64Md5(data));
    assertThat(sha256(storage().readAllBytes(target.getBlobId()))).isEqualTo(sha256(data));

    int from = 3_000_001;
    int to = from + 700_000;
    try (ReadChannel reader = storage().reader(target.getBlobId())) {
      reader.seek(from);
      reader.limit(to);
      assertThat(readFully(reader)).isEqualTo(Arrays.copyOfRange(data, from, to));
    }
  }

  @Test
  void createWithBytesKeepsContentTypeMetadataAndHashes() {
    byte[] data = "a cat in a darkroom".getBytes(StandardCharsets.UTF_8);
    BlobInfo info = BlobInfo.newBuilder(id("with-metadata.txt"))
        .setContentType("text/plain")
        .setMetadata(Map.of("jobId", "job-42", "userId", "u-7"))
        .build();

    Blob created = storage().create(info, data);
    Blob fetched = storage().get(info.getBlobId());

    assertThat(fetched.getName()).isEqualTo(prefix + "with-metadata.txt");
    assertThat(fetched.getGeneration()).isEqualTo(created.getGeneration()).isPositive();
    assertThat(fetched.getMetageneration()).isEqualTo(1L);
    assertThat(fetched.getSize()).isEqualTo(data.length);
    assertThat(fetched.getContentType()).isEqualTo("text/plain");
    assertThat(fetched.getMetadata()).containsEntry("jobId", "job-42").containsEntry("userId", "u-7");
    assertThat(fetched.getMd5()).isEqualTo(base64Md5(data));
    assertThat(fetched.getCrc32c()).isEqualTo(base64Crc32c(data));
    assertThat(fetched.getCreateTimeOffsetDateTime()).isNotNull();
    assertThat(storage().readAllBytes(info.getBlobId())).isEqualTo(data);
  }

  @Test
  void emptyObjectsAndOddNamesRoundTrip() {
    storage().create(info("empty"), new byte[0]);
    String odd = "dir with space/ü+plus&amp;%41#hash?q=1.png";
    storage().create(info(odd), new byte[] {1, 2, 3});

    assertThat(storage().readAllBytes(id("empty"))).isEmpty();
    assertThat(storage().get(id("empty")).getSize()).isZero();
    assertThat(storage().readAllBytes(id(odd))).containsExactly(1, 2, 3);
    assertThat(names(storage().list(bucket(), BlobListOption.prefix(prefix + "dir with space/"))))
        .containsExactly(prefix + odd);
  }

  @Test
  void listsByPrefixWithDirectories() {
    for (String name : List.of("out/a.png", "out/job1/x.png", "out/job1/y.png", "out/job2/z.png", "other.png")) {
      storage().create(info(name), name.getBytes(StandardCharsets.UTF_8));
    }

    Page<Blob> page = storage().list(bucket(), BlobListOption.prefix(prefix + "out/"), BlobListOption.currentDirectory());
    Map<String, Boolean> isDirectoryByName = new HashMap<>();
    page.iterateAll().forEach(b -> isDirectoryByName.put(b.getName(), b.isDirectory()));

    assertThat(isDirectoryByName).containsOnly(
        Map.entry(prefix + "out/a.png", false),
        Map.entry(prefix + "out/job1/", true),
        Map.entry(prefix + "out/job2/", true));
    assertThat(names(storage().list(bucket(), BlobListOption.prefix(prefix + "out/job1/"))))
        .containsExactly(prefix + "out/job1/x.png", prefix + "out/job1/y.png");
  }

  @Test
  void pagesThroughListingsInNameOrder() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      storage().create(info("page/" + i), new byte[] {(byte) i});
      expected.add(prefix + "page/" + i);
    }

    Page<Blob> first = storage().list(bucket(), BlobListOption.prefix(prefix + "page/"), BlobListOption.pageSize(2));

    assertThat(first.getValues()).extracting(Blob::getName).containsExactly(expected.get(0), expected.get(1));
    assertThat(first.hasNextPage()).isTrue();
    assertThat(first.getNextPage().getValues()).extracting(Blob::getName).containsExactly(expected.get(2), expected.get(3));
    assertThat(names(first)).containsExactlyElementsOf(expected);
  }

  @Test
  void updatesMetadataWithoutNewGeneration() {
    Blob created = storage().create(BlobInfo.newBuilder(id("meta.png")).setContentType("application/octet-stream")
        .setMetadata(Map.of("keep", "1", "drop", "2")).build(), new byte[] {9});
    Map<String, String> metadata = new HashMap<>();
    metadata.put("added", "3");
    metadata.put("drop", null);

    Blob updated = storage().update(created.toBuilder().setContentType("image/png").setMetadata(metadata).build());
    Blob fetched = storage().get(created.getBlobId());

    assertThat(updated.getMetageneration()).isEqualTo(created.getMetageneration() + 1);
    assertThat(fetched.getGeneration()).isEqualTo(created.getGeneration());
    assertThat(fetched.getContentType()).isEqualTo("image/png");
    assertThat(fetched.getMetadata()).containsEntry("added", "3").doesNotContainKey("drop");
    assertThat(storage().readAllBytes(created.getBlobId())).containsExactly(9);
  }

  @Test
  void deletesObjects() {
    storage().create(info("gone.txt"), new byte[] {1});

    assertThat(storage().delete(id("gone.txt"))).isTrue();
    assertThat(storage().get(id("gone.txt"))).isNull();
    assertThat(storage().delete(id("gone.txt"))).isFalse();
    assertThatThrownBy(() -> storage().readAllBytes(id("gone.txt")))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @Test
  void copiesContentAndMetadata() {
    byte[] data = randomBytes(300_000, 2);
    storage().create(BlobInfo.newBuilder(id("src.bin")).setContentType("image/webp")
        .setMetadata(Map.of("seed", "7")).build(), data);

    Blob copy = storage().copy(Storage.CopyRequest.of(id("src.bin"), id("copies/dst.bin"))).getResult();

    assertThat(copy.getName()).isEqualTo(prefix + "copies/dst.bin");
    assertThat(copy.getContentType()).isEqualTo("image/webp");
    assertThat(copy.getMetadata()).containsEntry("seed", "7");
    assertThat(storage().readAllBytes(id("copies/dst.bin"))).isEqualTo(data);
    assertThat(storage().readAllBytes(id("src.bin"))).isEqualTo(data);
  }

  @Test
  void composesObjectsInOrder() {
    storage().create(info("part-1"), "first,".getBytes(StandardCharsets.UTF_8));
    storage().create(info("part-2"), "second".getBytes(StandardCharsets.UTF_8));

    storage().compose(Storage.ComposeRequest.newBuilder()
        .addSource(prefix + "part-1", prefix + "part-2")
        .setTarget(BlobInfo.newBuilder(id("joined")).setContentType("text/plain").build())
        .build());

    assertThat(new String(storage().readAllBytes(id("joined")), StandardCharsets.UTF_8)).isEqualTo("first,second");
    assertThat(storage().get(id("joined")).getContentType()).isEqualTo("text/plain");
  }

  @Test
  void generationPreconditionsRefuseLostUpdates() {
    Blob first = storage().create(info("state.json"), bytes("v1"), BlobTargetOption.doesNotExist());

    assertPreconditionFailed(() -> storage().create(info("state.json"), bytes("v1 again"), BlobTargetOption.doesNotExist()));

    BlobInfo expectingFirst = BlobInfo.newBuilder(BlobId.of(bucket(), prefix + "state.json", first.getGeneration())).build();
    Blob second = storage().create(expectingFirst, bytes("v2"), BlobTargetOption.generationMatch());
    assertThat(second.getGeneration()).isGreaterThan(first.getGeneration());

    assertPreconditionFailed(() -> storage().create(expectingFirst, bytes("stale write"), BlobTargetOption.generationMatch()));
    assertPreconditionFailed(() -> storage().delete(id("state.json"), BlobSourceOption.generationMatch(first.getGeneration())));
    assertPreconditionFailed(() -> storage().readAllBytes(BlobId.of(bucket(), prefix + "state.json"),
        BlobSourceOption.generationMatch(first.getGeneration())));
    assertPreconditionFailed(() -> storage().update(
        BlobInfo.newBuilder(id("state.json")).setMetadata(Map.of("k", "v")).build(),
        BlobTargetOption.metagenerationMatch(second.getMetageneration() + 1)));

    assertThat(new String(storage().readAllBytes(id("state.json")), StandardCharsets.UTF_8)).isEqualTo("v2");
  }

  @Test
  void signedUrlServesTheObjectUntilItExpires() throws Exception {
    byte[] data = randomBytes(200_000, 3);
    Blob blob = storage().create(BlobInfo.newBuilder(id("signed/render.png")).setContentType("image/png").build(), data);

    URL url = signedGetUrl(blob, Duration.ofSeconds(3));
    HttpResponse<byte[]> ok = get(url.toString());

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(data);
    assertThat(ok.headers().firstValue("Content-Type")).hasValue("image/png");

    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
        .until(() -> get(url.toString()).statusCode() != 200);
    HttpResponse<byte[]> expired = get(url.toString());
    assertThat(expired.statusCode()).isEqualTo(400);
    assertThat(new String(expired.body(), StandardCharsets.UTF_8)).contains("ExpiredToken");
  }

  @Test
  void tamperedSignedUrlsAreRefused() throws Exception {
    storage().create(info("signed/a.png"), bytes("a"));
    storage().create(info("signed/b.png"), bytes("b"));
    String url = signedGetUrl(info("signed/a.png"), Duration.ofMinutes(5)).toString();
    assertThat(get(url).statusCode()).isEqualTo(200);

    String lastSignatureChar = url.substring(url.length() - 1);
    String badSignature = url.substring(0, url.length() - 1) + (lastSignatureChar.equals("0") ? "1" : "0");
    String otherObject = url.replace("signed/a.png", "signed/b.png");

    for (String tampered : List.of(badSignature, otherObject)) {
      HttpResponse<byte[]> refused = get(tampered);
      assertThat(refused.statusCode()).as(tampered).isEqualTo(403);
      assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("SignatureDoesNotMatch");
    }
  }

  @Test
  void aSignedResumableUploadTakesTheBytesOfTheSignedSizeOnly() throws Exception {
    byte[] data = randomBytes(300_000, 5);
    Map<String, String> headers = Map.of("x-goog-resumable", "start",
        "x-goog-content-length-range", data.length + "," + data.length);
    URL url = signedPostUrl(info("uploads/model.safetensors"), Duration.ofMinutes(5), headers);

    HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(url.toString().split("\\?")[0]))
        .header("x-goog-resumable", "start").POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).as("without a signature").isIn(401, 403);

    String session = start(url, headers);
    HttpResponse<String> done = http.send(HttpRequest.newBuilder(URI.create(session))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(storage().readAllBytes(id("uploads/model.safetensors"))).isEqualTo(data);

    String tooLarge = start(url, headers);
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(tooLarge))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(data, data.length + 1))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).as("one byte more than signed").isEqualTo(400);
    assertThat(storage().readAllBytes(id("uploads/model.safetensors"))).as("unchanged").isEqualTo(data);
  }

  /** Sends the signed POST that starts a resumable upload; returns the session URI. */
  private String start(URL url, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(url.toString())).POST(HttpRequest.BodyPublishers.noBody());
    headers.forEach(post::header);
    HttpResponse<String> started = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
    return started.headers().firstValue("Location").orElseThrow();
  }

  // ---- helpers ----

  HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static void assertPreconditionFailed(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getCode()).isEqualTo(412));
  }

  static List<String> names(Page<Blob> page) {
    return StreamSupport.stream(page.iterateAll().spliterator(), false).map(Blob::getName).toList();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] data = new byte[n];
    new Random(seed).nextBytes(data);
    return data;
  }

  static byte[] readFully(ReadChannel reader) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    while (reader.read(buffer) >= 0) {
      buffer.flip();
      out.write(buffer.array(), 0, buffer.limit());
      buffer.clear();
    }
    return out.toByteArray();
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  static String base64Md5(byte[] data) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String base64Crc32c(byte[] data) {
    int crc = com.google.common.hash.Hashing.crc32c().hashBytes(data).asInt();
    return Base64.getEncoder().encodeToString(com.google.common.primitives.Ints.toByteArray(crc));
  }
}
