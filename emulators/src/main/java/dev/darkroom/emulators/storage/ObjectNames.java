package dev.darkroom.emulators.storage;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * GCS's naming rules, and the mapping of object names to file names. Object names are free-form
 * ({@code ../x} and {@code /etc/passwd} are legal names), so a file name is never derived by
 * trusting the name: every byte outside {@code [A-Za-z0-9_-]} is percent-encoded, which leaves
 * no {@code /}, no {@code .} and hence no way out of the bucket directory.
 */
final class ObjectNames {
  private ObjectNames() {}

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");
  private static final int MAX_OBJECT_NAME_BYTES = 1024;
  /** Leaves room for the ".<generation>.data" suffix within the usual 255-byte file name limit. */
  private static final int MAX_ENCODED_LENGTH = 180;

  static String requireValidBucket(String bucket) {
    if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw GcsException.badRequest(
          "Invalid bucket name: '" + printable(bucket) + "'. Bucket names are 3-63 characters of"
              + " lowercase letters, digits, '-', '_' and '.', starting and ending with a letter or digit.");
    }
    return bucket;
  }

  static String requireValidObject(String name) {
    if (name == null || name.isEmpty()) {
      throw new GcsException(400, "required", "Required parameter: object name");
    }
    if (name.equals(".") || name.equals("..")) {
      throw badObject(name, "'.' and '..' are not allowed");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_OBJECT_NAME_BYTES) {
      throw badObject(name, "longer than 1024 bytes in UTF-8");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw badObject(name, "carriage return, line feed and NUL are not allowed");
      }
    }
    return name;
  }

  private static GcsException badObject(String name, String why) {
    return badRequest("Invalid object name '" + printable(name) + "': " + why);
  }

  private static GcsException badRequest(String message) {
    return GcsException.badRequest(message);
  }

  /** A file-name-safe, collision-free stem for {@code objectName}, without any dot. */
  static String fileStem(String objectName) {
    byte[] bytes = objectName.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    if (out.length() <= MAX_ENCODED_LENGTH) {
      return out.toString();
    }
    // '~' never appears in an encoded stem, so hashed stems cannot collide with short names.
    return "~" + Hashing.sha256().hashString(objectName, StandardCharsets.UTF_8);
  }

  private static String printable(String s) {
    if (s == null) {
      return "";
    }
    String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
