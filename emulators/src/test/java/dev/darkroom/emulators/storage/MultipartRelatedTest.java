package dev.darkroom.emulators.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartRelatedTest {
  static final String BOUNDARY = "__END_OF_PART__abc";

  static byte[] body(byte[] media) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
        + "{\"name\":\"x\"}\r\n--" + BOUNDARY + "\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(media);
    out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void splitsMetadataAndMediaEvenWhenMediaLooksLikeTheDelimiter() throws Exception {
    byte[] media = ("a\r\n--__END_OF_PART__ab\r\r\n-\r\n--" + BOUNDARY.substring(0, 10) + "z\r\n").getBytes(StandardCharsets.UTF_8);
    MultipartRelated multipart = new MultipartRelated(new ByteArrayInputStream(body(media)),
        "multipart/related; boundary=\"" + BOUNDARY + "\"");

    assertThat(multipart.firstPart().contentType()).startsWith("application/json");
    assertThat(new String(multipart.readSmallPart(), StandardCharsets.UTF_8)).isEqualTo("{\"name\":\"x\"}");
    assertThat(multipart.nextPart().contentType()).isEqualTo("image/png");
    ByteArrayOutputStream copied = new ByteArrayOutputStream();
    multipart.copyPart(copied);
    assertThat(copied.toByteArray()).isEqualTo(media);
    assertThat(multipart.nextPart()).isNull();
  }

  @Test
  void refusesBodiesWithoutBoundaryOrEnd() throws Exception {
    assertThatThrownBy(() -> new MultipartRelated(new ByteArrayInputStream(new byte[0]), "multipart/related"))
        .isInstanceOf(GcsException.class);
    byte[] whole = body(new byte[] {1, 2, 3});
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 12);
    MultipartRelated multipart = new MultipartRelated(new ByteArrayInputStream(truncated), "multipart/related; boundary=" + BOUNDARY);
    multipart.firstPart();
    multipart.readSmallPart();
    multipart.nextPart();
    assertThatThrownBy(() -> multipart.copyPart(new ByteArrayOutputStream()))
        .isInstanceOfSatisfying(GcsException.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
