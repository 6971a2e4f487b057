package dev.darkroom.comfyui.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartTest {

  @Test
  void readsFieldsAndFiles() {
    String body = "--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a b.png\"\r\n"
        + "Content-Type: image/png\r\n\r\nPNG\r\nDATA\r\n--XyZ\r\nContent-Disposition: form-data; name=\"overwrite\"\r\n\r\n"
        + "true\r\n--XyZ--\r\n";

    var parts = Multipart.parse("multipart/form-data; boundary=XyZ", body.getBytes(StandardCharsets.ISO_8859_1));

    assertThat(parts.get("image").filename()).isEqualTo("a b.png");
    assertThat(parts.get("image").text()).isEqualTo("PNG\r\nDATA");
    assertThat(parts.get("overwrite").text()).isEqualTo("true");
    assertThat(Multipart.parse("application/json", new byte[0])).isEmpty();
  }
}
