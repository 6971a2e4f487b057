package dev.darkroom.bench.api;

import com.google.firestore.v1.BatchGetDocumentsResponse;
import com.google.firestore.v1.BatchWriteRequest;
import com.google.firestore.v1.CommitRequest;
import com.google.firestore.v1.ListenResponse;
import com.google.firestore.v1.RunQueryResponse;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.pubsub.v1.PublishRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one process sent through the counting proxies: calls per method ({@code firestore.RunQuery},
 * {@code pubsub.Publish}), the documents those calls read and wrote, the messages published, and
 * SQL statements and round trips. Counted from the bytes on the wire, so it measures whatever the
 * code does, not what it is believed to do.
 */
public final class RpcTally {
  public static final String DOCS_READ = "firestore.docs_read";
  public static final String DOCS_WRITTEN = "firestore.docs_written";
  public static final String FIRESTORE_CALLS = "firestore.calls";
  public static final String MESSAGES_PUBLISHED = "pubsub.messages";
  public static final String SQL_STATEMENTS = "sql.statements";
  public static final String SQL_ROUND_TRIPS = "sql.round_trips";

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(String key, long amount) {
    if (amount != 0) {
      counts.computeIfAbsent(key, k -> new LongAdder()).add(amount);
    }
  }

  /** A call started, e.g. {@code google.firestore.v1.Firestore/RunQuery}. */
  void call(String fullMethod) {
    String name = shortName(fullMethod);
    add(name, 1);
    if (name.startsWith("firestore.")) {
      add(FIRESTORE_CALLS, 1);
    }
  }

  void request(String fullMethod, byte[] message) {
    try {
      switch (shortName(fullMethod)) {
        case "firestore.Commit" -> add(DOCS_WRITTEN, CommitRequest.parseFrom(message).getWritesCount());
        case "firestore.BatchWrite" -> add(DOCS_WRITTEN, BatchWriteRequest.parseFrom(message).getWritesCount());
        case "pubsub.Publish" -> add(MESSAGES_PUBLISHED, PublishRequest.parseFrom(message).getMessagesCount());
        default -> { }
      }
    } catch (InvalidProtocolBufferException e) {
      add("unparsed." + shortName(fullMethod), 1);
    }
  }

  void response(String fullMethod, byte[] message) {
    try {
      switch (shortName(fullMethod)) {
        case "firestore.GetDocument" -> add(DOCS_READ, 1);
        case "firestore.RunQuery" -> add(DOCS_READ, RunQueryResponse.parseFrom(message).hasDocument() ? 1 : 0);
        case "firestore.BatchGetDocuments" -> add(DOCS_READ, BatchGetDocumentsResponse.parseFrom(message).hasFound() ? 1 : 0);
        case "firestore.Listen" -> add(DOCS_READ, ListenResponse.parseFrom(message).hasDocumentChange() ? 1 : 0);
        // Firestore bills an aggregation by index entries (one read per 1,000): one response, one read.
        case "firestore.RunAggregationQuery" -> add(DOCS_READ, 1);
        default -> { }
      }
    } catch (InvalidProtocolBufferException e) {
      add("unparsed." + shortName(fullMethod), 1);
    }
  }

  /** The counts so far, by key. */
  public Map<String, Long> snapshot() {
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((key, count) -> snapshot.put(key, count.sum()));
    return snapshot;
  }

  /** {@code google.firestore.v1.Firestore/RunQuery} as {@code firestore.RunQuery}. */
  static String shortName(String fullMethod) {
    int slash = fullMethod.indexOf('/');
    String service = slash < 0 ? fullMethod : fullMethod.substring(0, slash);
    String method = slash < 0 ? "" : fullMethod.substring(slash + 1);
    String product = service.startsWith("google.") ? service.split("\\.")[1] : service;
    return product + "." + method;
  }

  /** {@code after - before}, key by key (keys absent count 0). */
  public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new TreeMap<>();
    after.forEach((key, count) -> {
      long d = count - before.getOrDefault(key, 0L);
      if (d != 0) {
        delta.put(key, d);
      }
    });
    return delta;
  }
}
