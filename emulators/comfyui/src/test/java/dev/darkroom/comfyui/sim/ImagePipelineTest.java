package dev.darkroom.comfyui.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImagePipelineTest {

  private static ImageRenderer.Recipe recipe(long seed, int w, int h, String text) {
    return new ImageRenderer.Recipe(w, h, seed, text, "bad", "details");
  }

  private static byte[] png(ImageRenderer.Recipe r) {
    return PngWriter.encode(ImageRenderer.render(r), Map.of("prompt", "{}"));
  }

  @Test
  void sameRecipeSameBytesAndAnyChangeChangesThem() {
    byte[] a = png(recipe(42, 96, 64, "a cat"));

    assertThat(png(recipe(42, 96, 64, "a cat"))).isEqualTo(a);
    assertThat(png(recipe(43, 96, 64, "a cat"))).isNotEqualTo(a);
    assertThat(png(recipe(42, 96, 64, "a dog"))).isNotEqualTo(a);
    assertThat(png(recipe(42, 64, 96, "a cat"))).isNotEqualTo(a);
  }

  @Test
  void theStampIsDrawnInTheMiddle() {
    BufferedImage img = ImageRenderer.render(recipe(1, 512, 512, "x"));
    // The stamp is a black box with white letters across the centre row.
    boolean black = false;
    boolean white = false;
    for (int x = 0; x < 512; x++) {
      int rgb = img.getRGB(x, 256) & 0xffffff;
      black |= rgb == 0x000000;
      white |= rgb == 0xffffff;
    }
    assertThat(black).isTrue();
    assertThat(white).isTrue();
  }

  @Test
  void pngCarriesTextChunksAndStaysDecodable() throws Exception {
    Map<String, String> text = new LinkedHashMap<>();
    text.put("prompt", "{\"3\":{\"class_type\":\"KSampler\"}}");
    text.put("workflow", "{\"nodes\":[]}");
    text.put("Software", SimulatedNodes.SOFTWARE);
    byte[] bytes = PngWriter.encode(ImageRenderer.render(recipe(7, 32, 16, "t")), text);

    assertThat(PngWriter.readText(bytes)).containsExactlyEntriesOf(text);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes));
    assertThat(decoded.getWidth()).isEqualTo(32);
    assertThat(decoded.getHeight()).isEqualTo(16);
  }
}
