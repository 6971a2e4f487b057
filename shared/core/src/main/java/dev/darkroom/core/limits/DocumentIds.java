package dev.darkroom.core.limits;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Client strings that become a Firestore document id (a device token, a job id named in a request)
 * are checked here, once, against Firestore's rules: at most 1,500 bytes of UTF-8, no {@code /},
 * not {@code .} or {@code ..}, not of the reserved form {@code __.*__}. An id that breaks them is the
 * client's mistake, answered 400 with the reason, never a store error answered 500.
 */
public final class DocumentIds {
  public static final int MAX_BYTES = 1_500;
  private static final Pattern RESERVED = Pattern.compile("__.*__", Pattern.DOTALL);

  private DocumentIds() {}

  /** A client's id that no document can have: the message says which field and why. */
  public static final class InvalidId extends IllegalArgumentException {
    InvalidId(String message) {
      super(message);
    }
  }

  /** Why {@code id} cannot be a document id, or empty if it can. */
  public static Optional<String> problem(String id) {
    if (id == null || id.isEmpty()) {
      return Optional.of("it is empty");
    }
    int bytes = id.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      return Optional.of("it is " + bytes + " bytes long, more than " + MAX_BYTES);
    }
    if (id.indexOf('/') >= 0) {
      return Optional.of("it contains '/'");
    }
    if (id.equals(".") || id.equals("..")) {
      return Optional.of("'" + id + "' is not a name");
    }
    if (RESERVED.matcher(id).matches()) {
      return Optional.of("names of the form __...__ are reserved");
    }
    return Optional.empty();
  }

  /**
   * @param field what the client called it ({@code "job_id"}, {@code "the device token"})
   * @return {@code id}, if a document can have it
   * @throws InvalidId if not, with a message naming {@code field} and the rule it breaks
   */
  public static String requireStorable(String field, String id) {
    Optional<String> problem = problem(id);
    if (problem.isPresent()) {
      throw new InvalidId(field + " cannot be used as an id: " + problem.get());
    }
    return id;
  }
}
