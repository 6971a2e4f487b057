package dev.darkroom.gcp;

import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Precondition;
import dev.darkroom.core.auth.Caller;
import dev.darkroom.core.auth.StreamTicket;
import dev.darkroom.core.port.StreamTickets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link StreamTickets} on Firestore: {@code stream_tickets/{sha256(ticket)}} with the caller
 * ({@code userId, tier, method, keyId}), {@code purpose, issuedAt, expireAt}. A take reads the
 * document and deletes it on the condition that it is the version read: of concurrent takers exactly
 * one delete applies, the others lose the race and get nothing (no transaction to contend on).
 * Firestore's TTL policy on {@code expireAt} (Terraform) deletes tickets never used, within a day
 * or so; until then an expired one is returned as such and refused by the caller.
 */
public final class FirestoreStreamTickets implements StreamTickets {
  private final CollectionReference tickets;

  public FirestoreStreamTickets(Firestore firestore, String collection) {
    this.tickets = firestore.collection(collection);
  }

  @Override
  public void save(String id, StreamTicket ticket) {
    FirestoreJobStore.await(tickets.document(id).create(document(ticket)));
  }

  @Override
  public Optional<StreamTicket> take(String id) {
    DocumentReference ref = tickets.document(id);
    DocumentSnapshot doc = FirestoreJobStore.await(ref.get());
    if (!doc.exists() || !FirestoreGpuPool.conditionally(ref.delete(Precondition.updatedAt(doc.getUpdateTime())))) {
      return Optional.empty();
    }
    return Optional.of(ticket(doc));
  }

  private static Map<String, Object> document(StreamTicket ticket) {
    Map<String, Object> doc = new LinkedHashMap<>();
    Caller caller = ticket.caller();
    doc.put("userId", caller.userId());
    doc.put("tier", caller.tier());
    doc.put("method", caller.method().name());
    doc.put("keyId", caller.keyId());
    doc.put("admin", caller.admin());
    doc.put("purpose", ticket.purpose().name());
    doc.put("issuedAt", JobDocuments.timestamp(ticket.issuedAt()));
    doc.put("expireAt", JobDocuments.timestamp(ticket.expiresAt()));
    return doc;
  }

  private static StreamTicket ticket(DocumentSnapshot doc) {
    Caller.Method method = Caller.Method.valueOf(doc.getString("method"));
    // Tickets issued before callers had an admin flag: only the local user was one.
    boolean admin = doc.contains("admin") ? Boolean.TRUE.equals(doc.getBoolean("admin")) : method == Caller.Method.LOCAL;
    Caller caller = new Caller(doc.getString("userId"), doc.getString("tier"), method, doc.getString("keyId"), admin);
    return new StreamTicket(caller, StreamTicket.Purpose.valueOf(doc.getString("purpose")),
        JobDocuments.instant(doc.getTimestamp("issuedAt")), JobDocuments.instant(doc.getTimestamp("expireAt")));
  }
}
