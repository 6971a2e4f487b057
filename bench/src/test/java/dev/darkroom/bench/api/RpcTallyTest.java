package dev.darkroom.bench.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.firestore.v1.BatchGetDocumentsResponse;
import com.google.firestore.v1.CommitRequest;
import com.google.firestore.v1.Document;
import com.google.firestore.v1.RunQueryResponse;
import com.google.firestore.v1.Write;
import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PubsubMessage;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the relays count, from messages built as the official clients send and receive them. */
class RpcTallyTest {
  private static final String FIRESTORE = "google.firestore.v1.Firestore/";

  @Test
  void countsCallsByMethodAndTheDocumentsInThem() {
    RpcTally tally = new RpcTally();
    Document job = Document.newBuilder().setName("projects/p/databases/(default)/documents/jobs/a").build();

    tally.call(FIRESTORE + "RunQuery");
    tally.response(FIRESTORE + "RunQuery", RunQueryResponse.newBuilder().setDocument(job).build().toByteArray());
    tally.response(FIRESTORE + "RunQuery", RunQueryResponse.newBuilder().setDocument(job).build().toByteArray());
    // The last response of a query carries no document (only the read time): not a read.
    tally.response(FIRESTORE + "RunQuery", RunQueryResponse.newBuilder().setSkippedResults(0).build().toByteArray());
    tally.call(FIRESTORE + "BatchGetDocuments");
    tally.response(FIRESTORE + "BatchGetDocuments",
        BatchGetDocumentsResponse.newBuilder().setMissing("projects/p/databases/(default)/documents/jobs/b").build()
            .toByteArray());
    tally.call(FIRESTORE + "Commit");
    tally.request(FIRESTORE + "Commit", CommitRequest.newBuilder()
        .addWrites(Write.newBuilder().setUpdate(job)).addWrites(Write.newBuilder().setDelete(job.getName()))
        .build().toByteArray());
    tally.call("google.pubsub.v1.Publisher/Publish");
    tally.request("google.pubsub.v1.Publisher/Publish", PublishRequest.newBuilder().setTopic("t")
        .addMessages(PubsubMessage.getDefaultInstance()).addMessages(PubsubMessage.getDefaultInstance()).build()
        .toByteArray());

    assertThat(tally.snapshot()).containsAllEntriesOf(Map.of(
        "firestore.RunQuery", 1L, "firestore.BatchGetDocuments", 1L, "firestore.Commit", 1L, "pubsub.Publish", 1L,
        RpcTally.FIRESTORE_CALLS, 3L, RpcTally.DOCS_READ, 2L, RpcTally.DOCS_WRITTEN, 2L, RpcTally.MESSAGES_PUBLISHED, 2L));
  }

  @Test
  void aDeltaHasOnlyWhatChanged() {
    assertThat(RpcTally.delta(Map.of("a", 2L, "b", 5L), Map.of("a", 2L, "b", 7L, "c", 1L)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("b", 2L, "c", 1L));
  }

  @Test
  void namesAServiceByItsProduct() {
    assertThat(RpcTally.shortName("google.firestore.v1.Firestore/Listen")).isEqualTo("firestore.Listen");
    assertThat(RpcTally.shortName("google.pubsub.v1.Subscriber/StreamingPull")).isEqualTo("pubsub.StreamingPull");
  }
}
