package dev.darkroom.core.comfy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartFormTest {

  private static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void readsFieldsAndFilesWithTheirContentTypes() {
    String body = "--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a b.png\"\r\n"
        + "Content-Type: image/png\r\n\r\nPNG\r\nDATA\r\n--XyZ\r\nContent-Disposition: form-data; name=\"overwrite\"\r\n\r\n"
        + "true\r\n--XyZ--\r\n";

    var parts = MultipartForm.parse("multipart/form-data; boundary=XyZ", bytes(body));

    assertThat(parts.get("image").filename()).isEqualTo("a b.png");
    assertThat(parts.get("image").contentType()).isEqualTo("image/png");
    assertThat(parts.get("image").text()).isEqualTo("PNG\r\nDATA");
    assertThat(parts.get("overwrite").filename()).isNull();
    assertThat(parts.get("overwrite").text()).isEqualTo("true");
  }

  @Test
  void anEncodedFormParsesBackToItsParts() {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0, (byte) 0xff};
    MultipartForm.Encoded form = MultipartForm.encode(java.util.List.of(
        MultipartForm.field("subfolder", "darkroom/job-1"),
        new MultipartForm.Part("image", "a \"b\".png", "image/png", png)));

    var parts = MultipartForm.parse(form.contentType(), form.body());

    assertThat(parts).containsOnlyKeys("subfolder", "image");
    assertThat(parts.get("subfolder").text()).isEqualTo("darkroom/job-1");
    assertThat(parts.get("subfolder").filename()).isNull();
    assertThat(parts.get("image").filename()).isEqualTo("a %22b%22.png");
    assertThat(parts.get("image").contentType()).isEqualTo("image/png");
    assertThat(parts.get("image").content()).isEqualTo(png);
  }

  @Test
  void aQuotedBoundaryAndARepeatedNameAreReadAsAiohttpReadsThem() {
    String body = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
        + "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n2\r\n--b--\r\n";
    assertThat(MultipartForm.parse("multipart/form-data; boundary=\"b\"", bytes(body)).get("x").text()).isEqualTo("1");
  }

  @Test
  void malformedBodiesAreRefusedWithAReason() {
    assertThatThrownBy(() -> MultipartForm.parse("application/json", new byte[0]))
        .isInstanceOf(MultipartForm.MalformedException.class).hasMessageContaining("multipart/form-data");
    assertThatThrownBy(() -> MultipartForm.parse("multipart/form-data", new byte[0]))
        .hasMessageContaining("boundary");
    assertThatThrownBy(() -> MultipartForm.parse("multipart/form-data; boundary=b",
        bytes("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end")))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> MultipartForm.parse("multipart/form-data; boundary=b",
        bytes("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n")))
        .hasMessageContaining("without a name");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= MultipartForm.MAX_PARTS; i++) {
      many.append("--b\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nv\r\n");
    }
    many.append("--b--\r\n");
    assertThatThrownBy(() -> MultipartForm.parse("multipart/form-data; boundary=b", bytes(many.toString())))
        .hasMessageContaining("more than");
  }

  @Test
  void aBoundaryIsAtMostSeventyCharactersAsRfc2046Says() {
    String boundary = "b".repeat(MultipartForm.MAX_BOUNDARY);
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--" + boundary + "--\r\n";
    assertThat(MultipartForm.parse("multipart/form-data; boundary=" + boundary, bytes(body)).get("x").text()).isEqualTo("1");
    String longer = boundary + "b";
    assertThatThrownBy(() -> MultipartForm.parse("multipart/form-data; boundary=" + longer,
        bytes(body.replace(boundary, longer))))
        .isInstanceOf(MultipartForm.MalformedException.class).hasMessageContaining("more than 70");
  }
}
