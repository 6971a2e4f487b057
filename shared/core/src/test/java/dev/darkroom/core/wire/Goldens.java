package dev.darkroom.core.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The golden wire examples under {@code src/test/resources/wire/{release}/}: {@code v1} is what
 * today's writers produce, {@code unversioned} the bytes of the release before versions were written.
 * Compared as JSON trees, so layout does not matter but every field, value and number type does.
 */
public final class Goldens {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Goldens() {}

  public static byte[] bytes(String release, String name) {
    String path = "/wire/" + release + "/" + name + ".json";
    try (InputStream in = Goldens.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no golden file " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode tree(String release, String name) {
    return tree(bytes(release, name));
  }

  public static JsonNode tree(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
