package dev.darkroom.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The major version of a format that crosses a deployable boundary (a Pub/Sub message, a stored
 * document, a public event), carried in the format itself as the integer {@value #FIELD}. Writers
 * always write their version; readers accept every version up to the newest they know, and read a
 * payload without the field as version 1 (the format released before the field existed). A newer
 * major version is refused rather than misread: readers are deployed before the writers of a new
 * major version (docs/WIRE_FORMATS.md). Additive changes (a new optional field) keep the version:
 * readers ignore fields they do not know.
 */
public final class SchemaVersion {
  /** The field (or attribute, or metadata key) that holds the version. */
  public static final String FIELD = "schemaVersion";
  /** What a payload without {@value #FIELD} is: the format before versions were written. */
  public static final int UNVERSIONED = 1;

  private SchemaVersion() {}

  /**
   * The version {@code stored} names, checked against what this reader knows.
   *
   * @param stored the field's value as read: null when absent, else a number
   * @param newestKnown the newest version this reader can read
   * @param what the format, for the message
   * @throws UnsupportedSchemaVersionException if the version is not an integer from 1 to {@code newestKnown}
   */
  public static int accepted(Object stored, int newestKnown, String what) {
    if (stored == null) {
      return UNVERSIONED;
    }
    long version;
    if (stored instanceof Integer || stored instanceof Long || stored instanceof Short) {
      version = ((Number) stored).longValue();
    } else {
      throw new UnsupportedSchemaVersionException(what + ": " + FIELD + " is not an integer: " + stored);
    }
    if (version < 1 || version > newestKnown) {
      throw new UnsupportedSchemaVersionException(what + " of " + FIELD + " " + version
          + ": this reader knows versions 1 to " + newestKnown);
    }
    return (int) version;
  }

  /**
   * The version of a JSON payload, checked as {@link #accepted(Object, int, String)} does; the
   * field is removed from {@code payload}, which is left holding the message's own fields.
   */
  public static int takenFrom(ObjectNode payload, int newestKnown, String what) {
    JsonNode field = payload.remove(FIELD);
    Object stored = field == null || field.isNull() ? null
        : field.isIntegralNumber() && field.canConvertToLong() ? (Object) field.longValue() : field;
    return accepted(stored, newestKnown, what);
  }

  /** A payload of a version this reader cannot read (from a newer writer, or corrupt). */
  public static final class UnsupportedSchemaVersionException extends IllegalStateException {
    public UnsupportedSchemaVersionException(String message) {
      super(message);
    }
  }
}
