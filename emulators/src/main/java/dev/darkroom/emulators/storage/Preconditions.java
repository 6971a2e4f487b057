package dev.darkroom.emulators.storage;

import java.util.Optional;

/** The {@code if*Match} query parameters of one request, checked against the live object. */
record Preconditions(
    Long ifGenerationMatch,
    Long ifGenerationNotMatch,
    Long ifMetagenerationMatch,
    Long ifMetagenerationNotMatch) {

  static final Preconditions NONE = new Preconditions(null, null, null, null);

  static Preconditions from(QueryParams query) {
    return fromPrefixed(query, "if");
  }

  /** The source-object variants of rewrite and copy: {@code ifSourceGenerationMatch} etc. */
  static Preconditions sourceFrom(QueryParams query) {
    return fromPrefixed(query, "ifSource");
  }

  private static Preconditions fromPrefixed(QueryParams query, String prefix) {
    return new Preconditions(
        query.longValue(prefix + "GenerationMatch"),
        query.longValue(prefix + "GenerationNotMatch"),
        query.longValue(prefix + "MetagenerationMatch"),
        query.longValue(prefix + "MetagenerationNotMatch"));
  }

  /** Before a write: a missing object fails every condition except {@code ifGenerationMatch=0}. */
  void checkWrite(Optional<StoredObject> current) {
    if (ifGenerationMatch != null) {
      if (ifGenerationMatch == 0 && current.isPresent()) {
        throw failed("ifGenerationMatch=0 but the object exists (generation "
            + current.get().generation() + ")");
      }
      if (ifGenerationMatch != 0 && current.map(o -> o.generation() != ifGenerationMatch).orElse(true)) {
        throw failed("ifGenerationMatch=" + ifGenerationMatch + " but the live generation is "
            + current.map(o -> Long.toString(o.generation())).orElse("none (object does not exist)"));
      }
    }
    if (ifGenerationNotMatch != null
        && current.map(o -> o.generation() == ifGenerationNotMatch).orElse(false)) {
      throw failed("ifGenerationNotMatch=" + ifGenerationNotMatch + " but that is the live generation");
    }
    if (ifMetagenerationMatch != null
        && current.map(o -> o.metageneration() != ifMetagenerationMatch).orElse(true)) {
      throw failed("ifMetagenerationMatch=" + ifMetagenerationMatch + " but the live metageneration is "
          + current.map(o -> Long.toString(o.metageneration())).orElse("none (object does not exist)"));
    }
    if (ifMetagenerationNotMatch != null
        && current.map(o -> o.metageneration() == ifMetagenerationNotMatch).orElse(false)) {
      throw failed("ifMetagenerationNotMatch=" + ifMetagenerationNotMatch + " but that is the live metageneration");
    }
  }

  /**
   * Before a read of an existing object. GCS answers a failed {@code *NotMatch} on a read with
   * 304 Not Modified (the caller's copy is current) rather than 412.
   */
  void checkRead(StoredObject current) {
    if (ifGenerationNotMatch != null && current.generation() == ifGenerationNotMatch) {
      throw new GcsException(304, "notModified", "Not Modified");
    }
    if (ifMetagenerationNotMatch != null && current.metageneration() == ifMetagenerationNotMatch) {
      throw new GcsException(304, "notModified", "Not Modified");
    }
    new Preconditions(ifGenerationMatch, null, ifMetagenerationMatch, null)
        .checkWrite(Optional.of(current));
  }

  private static GcsException failed(String detail) {
    return GcsException.conditionNotMet(
        "At least one of the pre-conditions you specified did not hold: " + detail);
  }
}
