package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.FieldValue;
import dev.darkroom.core.event.SchemaVersion;
import dev.darkroom.core.job.Job;
import dev.darkroom.core.job.JobError;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobPrompt;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.job.Progress;
import dev.darkroom.core.job.Thumbnail;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Firestore documents several deployables read and write, against their golden files (the
 * fields in Firestore's REST shape, so each field's type is pinned too): today's writer produces
 * exactly the v1 fields; today's reader reads v1 and the previous release's unversioned documents.
 * A job submitted today is written without its prompt ({@code job-document-running-prompt-beside})
 * and the prompt as a document of its own ({@code job-prompt}); the documents with the prompt
 * inline are what earlier releases wrote (and what an update of such a job writes back).
 */
class JobDocumentsWireFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant CREATED = Instant.parse("2026-11-23T09:59:58.250Z");
  private static final Instant AT = Instant.parse("2026-11-23T10:00:00.123456789Z");

  static Stream<Arguments> jobs() throws Exception {
    ObjectNode prompt = (ObjectNode) JSON.readTree("{\"3\":{\"class_type\":\"KSampler\",\"inputs\":{"
        + "\"seed\":18446744073709551615,\"steps\":20,\"model\":[\"4\",0]}},"
        + "\"4\":{\"class_type\":\"CheckpointLoaderSimple\",\"inputs\":{\"ckpt_name\":\"sd15.safetensors\"}}}");
    ObjectNode extraData = (ObjectNode) JSON.readTree("{\"extra_pnginfo\":{\"workflow\":{\"version\":0.4}}}");
    Job running = Job.builder("job-1", "user-1", JobStatus.RUNNING).number(7).prompt(prompt).extraData(extraData)
        .clientId("client-1").attempt(2).lastSequence(3).executionName("darkroom-gpu-x7k2p")
        .progress(new Progress("3", 5, 20)).gpuSeconds(0).createdAt(CREATED).updatedAt(AT)
        .outputsToExecute(List.of("9")).cancelRequested(true).fingerprint("42b7ccb53930999b").tier("pro")
        .heartbeatAt(AT).endingAt(AT).build();
    Job failed = Job.builder("job-2", "user-1", JobStatus.FAILED).number(8.5).prompt(prompt).attempt(1)
        .lastSequence(Long.MAX_VALUE - 1)
        .outputs(List.of(new JobOutput("9", "images", "darkroom_00001_.png", "", "output",
                "outputs/user-1/job-2/darkroom_00001_.png", "image/png", 48213, "9f86d081"),
            JobOutput.text("12", "text", "caption.txt", "outputs/user-1/job-2/caption.txt", 11, "b94d27b9", "hello world")))
        .error(new JobError("ValueError", "bad latent", "5")).gpuSeconds(3.25).createdAt(CREATED).updatedAt(AT)
        .hiddenFromHistory(true).fingerprint("42b7ccb53930999b")
        .thumbnails(List.of(new Thumbnail("outputs/user-1/job-2/darkroom_00001_.png", 1732356000123456L,
            "thumbnails/user-1/job-2/darkroom_00001_.webp", 256, 256, "image/webp")))
        .build();
    return Stream.of(arguments("job-document-running", running), arguments("job-document-failed", failed));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jobs")
  void todaysWriterProducesExactlyTheGoldenV1Fields(String golden, Job job) {
    assertThat(FirestoreDocumentJson.fields(JobDocuments.toDocument(job)))
        .isEqualTo(FirestoreDocumentJson.golden("v1", golden));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jobs")
  void todaysReaderReadsTheGoldenV1(String golden, Job job) {
    assertThat(JobDocuments.fromFields(job.id(), FirestoreDocumentJson.document(FirestoreDocumentJson.golden("v1", golden))))
        .isEqualTo(job);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jobs")
  void todaysReaderReadsThePreviousReleasesUnversionedDocument(String golden, Job job) {
    Map<String, Object> previous = FirestoreDocumentJson.document(FirestoreDocumentJson.golden("unversioned", golden));
    assertThat(previous).doesNotContainKey(SchemaVersion.FIELD);
    assertThat(JobDocuments.fromFields(job.id(), previous)).isEqualTo(job);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jobs")
  void fieldsAWriterAddedLaterAreIgnored(String golden, Job job) {
    Map<String, Object> later = FirestoreDocumentJson.document(FirestoreDocumentJson.golden("v1", golden));
    later.put("addedLater", Map.of("by", "a newer release"));
    assertThat(JobDocuments.fromFields(job.id(), later)).isEqualTo(job);
  }

  @Test
  void aSubmittedJobIsWrittenWithoutItsPromptAndThePromptBesideItAndBothReadBack() throws Exception {
    Job running = (Job) jobs().findFirst().orElseThrow().get()[1];
    assertThat(FirestoreDocumentJson.fields(JobDocuments.toDocument(running.withoutPrompt())))
        .isEqualTo(FirestoreDocumentJson.golden("v1", "job-document-running-prompt-beside"));
    assertThat(FirestoreDocumentJson.fields(JobDocuments.toPromptDocument(JobPrompt.of(running))))
        .isEqualTo(FirestoreDocumentJson.golden("v1", "job-prompt"));

    assertThat(JobDocuments.fromFields("job-1", FirestoreDocumentJson.document(
        FirestoreDocumentJson.golden("v1", "job-document-running-prompt-beside")))).isEqualTo(running.withoutPrompt());
    assertThat(JobDocuments.fromPromptDocument("job-1", FirestoreDocumentJson.document(
        FirestoreDocumentJson.golden("v1", "job-prompt")))).isEqualTo(JobPrompt.of(running));
  }

  @Test
  void theRunningAttemptsStartAndTheEarlierAttemptsGpuTimeAreKeptWhenSet() throws Exception {
    Job running = ((Job) jobs().findFirst().orElseThrow().get()[1]).toBuilder()
        .runningSince(CREATED).earlierAttemptsGpuSeconds(41.5).build();
    Map<String, Object> doc = JobDocuments.toDocument(running);

    assertThat(doc).containsEntry("earlierAttemptsGpuSeconds", 41.5)
        .containsEntry("runningSince", JobDocuments.timestamp(CREATED));
    assertThat(JobDocuments.fromFields(running.id(), doc)).isEqualTo(running);
  }

  @Test
  void aJobStoredElsewhereKeepsTheIdItsSubmitterChoseAndOthersDoNotCarryIt() throws Exception {
    Job chosen = ((Job) jobs().findFirst().orElseThrow().get()[1]).toBuilder()
        .id("6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f").userId("bob").build();
    Job elsewhere = chosen.storedElsewhere();
    Map<String, Object> doc = JobDocuments.toDocument(elsewhere);

    assertThat(doc).containsEntry("chosenPromptId", chosen.id());
    assertThat(JobDocuments.fromFields(elsewhere.id(), doc).promptId()).isEqualTo(chosen.id());
    assertThat(JobDocuments.toDocument(chosen)).doesNotContainKey("chosenPromptId");
  }

  @Test
  void aPromptDocumentOfANewerVersionIsRefused() {
    Map<String, Object> newer = FirestoreDocumentJson.document(FirestoreDocumentJson.golden("v1", "job-prompt"));
    newer.put(SchemaVersion.FIELD, 2L);
    assertThatThrownBy(() -> JobDocuments.fromPromptDocument("job-1", newer))
        .isInstanceOf(SchemaVersion.UnsupportedSchemaVersionException.class)
        .hasMessage("prompt document of job job-1 of schemaVersion 2: this reader knows versions 1 to 1");
  }

  @Test
  void aDocumentOfANewerVersionIsRefusedNotMisread() {
    Map<String, Object> newer = FirestoreDocumentJson.document(FirestoreDocumentJson.golden("v1", "job-document-failed"));
    newer.put(SchemaVersion.FIELD, 2L);
    assertThatThrownBy(() -> JobDocuments.fromFields("job-2", newer))
        .isInstanceOf(SchemaVersion.UnsupportedSchemaVersionException.class)
        .hasMessage("job document job-2 of schemaVersion 2: this reader knows versions 1 to 1");
  }

  @Test
  void aGpuSlotDocumentIsExactlyTheGoldenV1AndReadsBack() {
    FirestoreGpuPool.Slot slot = new FirestoreGpuPool.Slot("5b0e2c1a-holder", AT, true);
    Timestamp written = Timestamp.ofTimeSecondsAndNanos(CREATED.getEpochSecond(), CREATED.getNano());
    assertThat(FirestoreDocumentJson.fields(slot.fields(written))).isEqualTo(FirestoreDocumentJson.golden("v1", "gpu-slot"));
    assertThat(FirestoreGpuPool.Slot.of("slot-0", FirestoreDocumentJson.document(FirestoreDocumentJson.golden("v1", "gpu-slot"))))
        .isEqualTo(slot);
    assertThat(FirestoreGpuPool.Slot.of("slot-0",
        FirestoreDocumentJson.document(FirestoreDocumentJson.golden("unversioned", "gpu-slot")))).isEqualTo(slot);
  }

  @Test
  void aGpuSlotSayingWhichModelsItsTaskHasLoadedIsExactlyItsGoldenAndReadsBack() {
    FirestoreGpuPool.Slot slot = new FirestoreGpuPool.Slot("5b0e2c1a-holder", AT, true, "9c1f0e2a7b3d4f5e");
    Timestamp written = Timestamp.ofTimeSecondsAndNanos(CREATED.getEpochSecond(), CREATED.getNano());
    assertThat(FirestoreDocumentJson.fields(slot.fields(written)))
        .isEqualTo(FirestoreDocumentJson.golden("v1", "gpu-slot-idle-loaded"));
    assertThat(FirestoreGpuPool.Slot.of("slot-0",
        FirestoreDocumentJson.document(FirestoreDocumentJson.golden("v1", "gpu-slot-idle-loaded")))).isEqualTo(slot);
    assertThat(slot.replacing(written)).as("an update writes every field").containsKey("loadedFingerprint");
    assertThat(new FirestoreGpuPool.Slot("5b0e2c1a-holder", AT, true).replacing(written).get("loadedFingerprint"))
        .as("an update of a slot with none deletes the previous holder's").isEqualTo(FieldValue.delete());
  }

  @Test
  void aGpuSlotItsTaskLeftIsExactlyItsGoldenAndReadsBack() {
    FirestoreGpuPool.Slot slot = FirestoreGpuPool.Slot.left("5b0e2c1a-holder", AT);
    Timestamp written = Timestamp.ofTimeSecondsAndNanos(CREATED.getEpochSecond(), CREATED.getNano());
    assertThat(FirestoreDocumentJson.fields(slot.fields(written))).isEqualTo(FirestoreDocumentJson.golden("v1", "gpu-slot-left"));
    assertThat(FirestoreGpuPool.Slot.of("slot-0",
        FirestoreDocumentJson.document(FirestoreDocumentJson.golden("v1", "gpu-slot-left")))).isEqualTo(slot);
    assertThat(new FirestoreGpuPool.Slot("another-holder", AT, false).replacing(written).get("left"))
        .as("the next holder's write clears the mark").isEqualTo(FieldValue.delete());
  }

  @Test
  void aGpuSlotOfANewerVersionIsRefused() {
    Map<String, Object> newer = FirestoreDocumentJson.document(FirestoreDocumentJson.golden("v1", "gpu-slot"));
    newer.put(SchemaVersion.FIELD, 2L);
    assertThatThrownBy(() -> FirestoreGpuPool.Slot.of("slot-0", newer))
        .isInstanceOf(SchemaVersion.UnsupportedSchemaVersionException.class)
        .hasMessage("GPU slot slot-0 of schemaVersion 2: this reader knows versions 1 to 1");
  }
}
