package dev.darkroom.core.deployment;

import dev.darkroom.core.limits.InputLimits;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * What an {@code image} input's value is: an http(s) URL to fetch, a {@code data:} URL, or a
 * string that is either the name of one of the caller's uploads or base64 image data (which of
 * the two is decided by whether the upload exists: a short base64 string is also a valid name).
 */
public sealed interface ImageValue {
  /** At most this many characters of base64 (the upload size limit, encoded). */
  int MAX_BASE64_CHARS = InputLimits.UPLOAD_BASE64_CHARS;

  record Url(URI url) implements ImageValue {}

  record Data(byte[] bytes) implements ImageValue {}

  /** An upload's name, or base64 data: {@link #base64()} says whether it could be the latter. */
  record NameOrBase64(String text) implements ImageValue {
    /** The decoded bytes if the text is base64 (standard alphabet, padded or not), else empty. */
    public Optional<byte[]> base64() {
      if (text.length() > MAX_BASE64_CHARS) {
        return Optional.empty();
      }
      try {
        return Optional.of(Base64.getDecoder().decode(text));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  record Malformed(String why) implements ImageValue {}

  static ImageValue parse(String value) {
    String lower = value.substring(0, Math.min(value.length(), 8)).toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://") || lower.startsWith("http://")) {
      try {
        return new Url(new URI(value));
      } catch (URISyntaxException e) {
        return new Malformed("is not a valid URL: " + e.getReason());
      }
    }
    if (lower.startsWith("data:")) {
      return dataUrl(value);
    }
    return new NameOrBase64(value);
  }

  /** {@code data:image/...;base64,...}: only base64 image data is an image. */
  private static ImageValue dataUrl(String value) {
    int comma = value.indexOf(',');
    String header = comma < 0 ? "" : value.substring(5, comma).toLowerCase(Locale.ROOT);
    if (comma < 0 || !header.startsWith("image/") || !header.endsWith(";base64")) {
      return new Malformed("a data: URL must be base64 image data (data:image/png;base64,...)");
    }
    String data = value.substring(comma + 1);
    if (data.length() > MAX_BASE64_CHARS) {
      return new Malformed("is larger than " + InputLimits.UPLOAD_BODY_BYTES + " bytes, the upload size limit");
    }
    try {
      return new Data(Base64.getDecoder().decode(data));
    } catch (IllegalArgumentException e) {
      return new Malformed("the data: URL's data is not base64");
    }
  }
}
