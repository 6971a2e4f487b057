package dev.darkroom.gcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.darkroom.core.deployment.Deployment;
import dev.darkroom.core.deployment.DeploymentInput;
import dev.darkroom.core.deployment.DeploymentVersion;
import dev.darkroom.core.deployment.InputsJson;
import dev.darkroom.core.port.DeploymentStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link DeploymentStore} on Firestore: {@code deployments/{sha256(userId, name)}} holds
 * {@code schemaVersion, userId, name, latestVersion, pinnedVersion, archived, createdAt, updatedAt}; each version
 * is {@code versions/{n}} under it, {@code schemaVersion, version, workflow, inputs, createdAt} and, when the
 * definition set one, {@code maxRunSeconds}, written once.
 * The id is a hash so any user id makes a valid document id. The workflow and the inputs are kept
 * as JSON text: a workflow's integers can exceed what a Firestore number holds (a 64-bit unsigned
 * seed), and text keeps them exactly. A version lives in a document of its own so that no
 * deployment outgrows 1 MiB (a workflow may take up to {@code InputLimits.PROMPT_JSON_BYTES}).
 * Listing queries on {@code userId} and {@code archived} (equalities only: Firestore's automatic
 * single-field indexes serve it, no composite index), at most the per-user limit of documents.
 */
public final class FirestoreDeploymentStore implements DeploymentStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Of both documents (docs/WIRE_FORMATS.md); a reader ignores fields it does not know. */
  static final int SCHEMA_VERSION = 1;

  private final Firestore firestore;
  private final CollectionReference deployments;

  public FirestoreDeploymentStore(Firestore firestore, String collection) {
    this.firestore = firestore;
    this.deployments = firestore.collection(collection);
  }

  @Override
  public Added addVersion(String userId, String name, ObjectNode workflow, List<DeploymentInput> inputs,
      Long maxRunSeconds, Instant now, int maxDeployments, int maxVersions) {
    DocumentReference ref = deployments.document(documentId(userId, name));
    return FirestoreJobStore.await(firestore.runTransaction(tx -> {
      DocumentSnapshot doc = tx.get(ref).get();
      Deployment existing = doc.exists() ? deployment(doc) : null;
      if (existing == null || existing.archived()) {
        int live = tx.get(deployments.whereEqualTo("userId", userId).whereEqualTo("archived", false)
            .limit(maxDeployments)).get().size();
        if (live >= maxDeployments) {
          return new Added.TooManyDeployments(maxDeployments);
        }
      }
      if (existing != null && existing.latestVersion() >= maxVersions) {
        return new Added.TooManyVersions(maxVersions);
      }
      int next = existing == null ? 1 : existing.latestVersion() + 1;
      Deployment stored = new Deployment(userId, name, next, existing == null ? 0 : existing.pinnedVersion(), false,
          existing == null ? now : existing.createdAt(), now);
      DeploymentVersion version = new DeploymentVersion(next, workflow, inputs, now, maxRunSeconds);
      tx.set(ref, document(stored));
      tx.create(ref.collection("versions").document(Integer.toString(next)), document(version));
      return new Added.Stored(stored, version);
    }));
  }

  @Override
  public Optional<Deployment> find(String userId, String name) {
    DocumentSnapshot doc = FirestoreJobStore.await(deployments.document(documentId(userId, name)).get());
    return doc.exists() ? Optional.of(deployment(doc)) : Optional.empty();
  }

  @Override
  public List<Deployment> list(String userId) {
    List<QueryDocumentSnapshot> docs = FirestoreJobStore.await(
        deployments.whereEqualTo("userId", userId).whereEqualTo("archived", false).get()).getDocuments();
    return docs.stream().map(FirestoreDeploymentStore::deployment)
        .sorted(Comparator.comparing(Deployment::name)).toList();
  }

  @Override
  public Optional<DeploymentVersion> version(String userId, String name, int version) {
    if (version < 1) {
      return Optional.empty();
    }
    DocumentSnapshot doc = FirestoreJobStore.await(deployments.document(documentId(userId, name))
        .collection("versions").document(Integer.toString(version)).get());
    return doc.exists() ? Optional.of(version(doc)) : Optional.empty();
  }

  @Override
  public Optional<Deployment> pin(String userId, String name, int version, Instant now) {
    return change(userId, name, existing -> version < 1 || version > existing.latestVersion() ? null
        : new Deployment(userId, name, existing.latestVersion(), version, existing.archived(), existing.createdAt(),
            now));
  }

  @Override
  public Optional<Deployment> archive(String userId, String name, Instant now) {
    return change(userId, name, existing -> existing.archived() ? existing
        : new Deployment(userId, name, existing.latestVersion(), existing.pinnedVersion(), true, existing.createdAt(),
            now));
  }

  /** Rewrites the deployment in a transaction as {@code next} says; next answers null to change nothing. */
  private Optional<Deployment> change(String userId, String name,
      java.util.function.UnaryOperator<Deployment> next) {
    DocumentReference ref = deployments.document(documentId(userId, name));
    return FirestoreJobStore.await(firestore.runTransaction(tx -> {
      DocumentSnapshot doc = tx.get(ref).get();
      if (!doc.exists()) {
        return Optional.<Deployment>empty();
      }
      Deployment changed = next.apply(deployment(doc));
      if (changed == null) {
        return Optional.<Deployment>empty();
      }
      tx.set(ref, document(changed));
      return Optional.of(changed);
    }));
  }

  /** Hex SHA-256 of the user id and the name, separated by a byte neither can hold. */
  static String documentId(String userId, String name) {
    return UserScopedIds.of(userId, name);
  }

  private static Map<String, Object> document(Deployment deployment) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schemaVersion", SCHEMA_VERSION);
    doc.put("userId", deployment.userId());
    doc.put("name", deployment.name());
    doc.put("latestVersion", deployment.latestVersion());
    doc.put("pinnedVersion", deployment.pinnedVersion());
    doc.put("archived", deployment.archived());
    doc.put("createdAt", JobDocuments.timestamp(deployment.createdAt()));
    doc.put("updatedAt", JobDocuments.timestamp(deployment.updatedAt()));
    return doc;
  }

  private static Deployment deployment(DocumentSnapshot doc) {
    return new Deployment(doc.getString("userId"), doc.getString("name"), doc.getLong("latestVersion").intValue(),
        doc.getLong("pinnedVersion").intValue(), Boolean.TRUE.equals(doc.getBoolean("archived")),
        JobDocuments.instant(doc.getTimestamp("createdAt")), JobDocuments.instant(doc.getTimestamp("updatedAt")));
  }

  private static Map<String, Object> document(DeploymentVersion version) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schemaVersion", SCHEMA_VERSION);
    doc.put("version", version.version());
    try {
      doc.put("workflow", JSON.writeValueAsString(version.workflow()));
      doc.put("inputs", JSON.writeValueAsString(InputsJson.write(version.inputs())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always writes", e);
    }
    doc.put("createdAt", JobDocuments.timestamp(version.createdAt()));
    // Written only when set: versions without one keep the shape they always had.
    if (version.maxRunSeconds() != null) {
      doc.put("maxRunSeconds", version.maxRunSeconds());
    }
    return doc;
  }

  private static DeploymentVersion version(DocumentSnapshot doc) {
    try {
      return new DeploymentVersion(doc.getLong("version").intValue(),
          (ObjectNode) JSON.readTree(doc.getString("workflow")), InputsJson.read(JSON.readTree(doc.getString("inputs"))),
          JobDocuments.instant(doc.getTimestamp("createdAt")), doc.getLong("maxRunSeconds"));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("deployment version " + doc.getReference().getPath() + " holds broken JSON", e);
    }
  }
}
