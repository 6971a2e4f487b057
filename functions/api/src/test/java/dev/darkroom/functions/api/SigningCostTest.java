package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Thumbnail;
import dev.darkroom.core.port.OutputStore;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 10: every signed URL costs one IAM signBlob call in the cloud, so the signatures
 * one request may make are bounded, whatever the jobs it lists hold.
 */
class SigningCostTest {
  static final int JOBS = 100;
  static final int OUTPUTS_PER_JOB = 20;

  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final CountingSigner outputs = new CountingSigner(new InMemoryOutputStore());
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), outputs, new InMemoryLedger(),
      null, request -> Caller.idToken("alice", Job.DEFAULT_TIER));

  /** An output store that counts the URLs it signs (each an IAM signBlob call behind GcsOutputStore). */
  static final class CountingSigner implements OutputStore {
    final OutputStore store;
    final AtomicInteger signed = new AtomicInteger();

    CountingSigner(OutputStore store) {
      this.store = store;
    }

    @Override public StoredObject put(String objectName, String contentType, InputStream content) {
      return store.put(objectName, contentType, content);
    }
    @Override public Optional<StoredObject> stat(String objectName) { return store.stat(objectName); }
    @Override public Optional<byte[]> read(String objectName) { return store.read(objectName); }
    @Override public URI signedReadUrl(String objectName, Duration ttl) {
      signed.incrementAndGet();
      return store.signedReadUrl(objectName, ttl);
    }
  }

  private void batchJobs() {
    Instant start = Instant.parse("2026-11-23T09:00:00Z");
    for (int j = 0; j < JOBS; j++) {
      String id = java.util.UUID.nameUUIDFromBytes(("job-" + j).getBytes(java.nio.charset.StandardCharsets.UTF_8))
          .toString();
      List<JobOutput> produced = new ArrayList<>();
      List<Thumbnail> thumbnails = new ArrayList<>();
      for (int n = 0; n < OUTPUTS_PER_JOB; n++) {
        String object = "outputs/alice/" + id + "/x_" + n + ".png";
        produced.add(new JobOutput("9", "images", "x_" + n + ".png", "", "output", object, "image/png", 10, "h"));
        thumbnails.add(new Thumbnail(object, 1, "thumbnails/" + object + ".webp", 256, 256, "image/webp"));
      }
      jobs.create(Job.builder(id, "alice", JobStatus.SUCCEEDED).createdAt(start.plusSeconds(j))
          .updatedAt(start.plusSeconds(j)).outputs(produced).thumbnails(thumbnails).build());
    }
  }

  @Test
  void listingAHundredBatchJobsSignsAtMostABoundedNumberOfUrls() throws Exception {
    batchJobs();
    FakeHttp.Response listed = FakeHttp.send(api, "GET", "/api/v2/jobs?limit=100", null);
    assertThat(listed.status).as(listed.text()).isEqualTo(200);
    JsonNode page = json.readTree(listed.text());
    assertThat(page.get("jobs")).hasSize(JOBS);
    assertThat(outputs.signed.get()).as("signBlob calls for one listing of %d jobs x %d outputs and thumbnails",
        JOBS, OUTPUTS_PER_JOB).isLessThanOrEqualTo(100);
    // Every output and thumbnail still has a URL that leads to its bytes.
    for (JsonNode job : page.get("jobs")) {
      for (JsonNode output : job.get("outputs")) {
        assertThat(output.get("url").asText()).isNotEmpty();
        assertThat(output.at("/thumbnail/url").asText()).isNotEmpty();
      }
    }
  }

  @Test
  void anUnsignedOutputUrlRedirectsToASignedOneWithOneSignature() throws Exception {
    batchJobs();
    JsonNode page = json.readTree(FakeHttp.send(api, "GET", "/api/v2/jobs?limit=100", null).text());
    JsonNode last = page.get("jobs").get(JOBS - 1);
    String lazy = last.at("/outputs/" + (OUTPUTS_PER_JOB - 1) + "/url").asText();
    String lazyThumbnail = last.at("/outputs/" + (OUTPUTS_PER_JOB - 1) + "/thumbnail/url").asText();
    assertThat(lazy).startsWith("/api/v2/jobs/" + last.get("id").asText() + "/outputs/");
    int before = outputs.signed.get();
    FakeHttp.Response redirect = FakeHttp.send(api, "GET", lazy, null);
    assertThat(redirect.status).isEqualTo(302);
    assertThat(redirect.headers.get("Location").get(0)).startsWith("memory:/")
        .contains("x_" + (OUTPUTS_PER_JOB - 1) + ".png");
    FakeHttp.Response thumbnail = FakeHttp.send(api, "GET", lazyThumbnail, null);
    assertThat(thumbnail.status).isEqualTo(302);
    assertThat(thumbnail.headers.get("Location").get(0)).contains("thumbnails");
    assertThat(outputs.signed.get() - before).isEqualTo(2);
  }

  @Test
  void aUrlSignedOnceIsReusedWhileItStaysValidLongEnough() throws Exception {
    batchJobs();
    FakeHttp.send(api, "GET", "/api/v2/jobs?limit=1", null);
    int first = outputs.signed.get();
    assertThat(first).isPositive();
    JsonNode again = json.readTree(FakeHttp.send(api, "GET", "/api/v2/jobs?limit=1", null).text());
    assertThat(outputs.signed.get()).as("signatures of the same listing asked again").isEqualTo(first);
    assertThat(again.at("/jobs/0/outputs/0/url").asText()).startsWith("memory:/");
  }
}
