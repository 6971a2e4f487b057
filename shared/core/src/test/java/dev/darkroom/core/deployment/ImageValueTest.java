package dev.darkroom.core.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.darkroom.core.limits.InputLimits;
import java.net.URI;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The forms an image input's value takes: URL, data: URL, or an upload's name that may be base64. */
class ImageValueTest {
  private static final byte[] BYTES = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

  @Test
  void httpAndHttpsUrlsAreUrlsWhateverTheirCase() {
    assertThat(ImageValue.parse("https://example.com/a.png"))
        .isEqualTo(new ImageValue.Url(URI.create("https://example.com/a.png")));
    assertThat(ImageValue.parse("HTTP://example.com/a.png")).isInstanceOf(ImageValue.Url.class);
    assertThat(ImageValue.parse("https://exa mple.com/")).isInstanceOf(ImageValue.Malformed.class);
  }

  @Test
  void aDataUrlMustBeBase64ImageData() {
    String base64 = Base64.getEncoder().encodeToString(BYTES);
    assertThat(((ImageValue.Data) ImageValue.parse("data:image/png;base64," + base64)).bytes()).isEqualTo(BYTES);
    assertThat(((ImageValue.Data) ImageValue.parse("DATA:Image/JPEG;BASE64," + base64)).bytes()).isEqualTo(BYTES);
    assertThat(ImageValue.parse("data:text/plain;base64," + base64)).isInstanceOf(ImageValue.Malformed.class);
    assertThat(ImageValue.parse("data:image/png," + base64)).isInstanceOf(ImageValue.Malformed.class);
    assertThat(ImageValue.parse("data:image/png;base64")).isInstanceOf(ImageValue.Malformed.class);
    assertThat(ImageValue.parse("data:image/png;base64,not base64!")).isEqualTo(
        new ImageValue.Malformed("the data: URL's data is not base64"));
  }

  @Test
  void aDataUrlPastTheUploadLimitIsRefusedUndecoded() {
    String huge = "data:image/png;base64," + "A".repeat(ImageValue.MAX_BASE64_CHARS + 4);
    assertThat(ImageValue.parse(huge)).isEqualTo(new ImageValue.Malformed("is larger than "
        + InputLimits.UPLOAD_BODY_BYTES + " bytes, the upload size limit"));
  }

  @Test
  void anythingElseIsANameThatMayAlsoBeBase64() {
    ImageValue.NameOrBase64 name = (ImageValue.NameOrBase64) ImageValue.parse("cat.png");
    assertThat(name.base64()).isEmpty();
    ImageValue.NameOrBase64 data = (ImageValue.NameOrBase64) ImageValue.parse(Base64.getEncoder().encodeToString(BYTES));
    assertThat(data.base64()).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(BYTES));
  }

  @Test
  void theBase64LimitIsTheUploadLimitEncoded() {
    assertThat(ImageValue.MAX_BASE64_CHARS).isEqualTo(Base64.getEncoder()
        .encodeToString(new byte[InputLimits.UPLOAD_BODY_BYTES]).length());
  }
}
