package dev.darkroom.functions.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.darkroom.core.job.JobOutput;
import dev.darkroom.core.job.JobStatus;
import dev.darkroom.core.port.JobChange.Outcome;
import dev.darkroom.functions.api.http.ComfyApi;
import dev.darkroom.testing.InMemoryJobStore;
import dev.darkroom.testing.InMemoryLedger;
import dev.darkroom.testing.InMemoryOutputStore;
import dev.darkroom.testing.RecordingJobQueue;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** server.py {@code view_image}'s {@code preview=} and {@code channel=} through the route, on the caller's outputs. */
class ViewVariantsTest {
  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final InMemoryOutputStore outputs = new InMemoryOutputStore();
  private String caller = "alice";
  private final ComfyApi api = ApiFixture.api(jobs, new RecordingJobQueue(), outputs, new InMemoryLedger(), null,
      ApiFixture.as(() -> caller));
  private String id;

  @BeforeEach
  void aJobWithAnImageAndAText() throws Exception {
    id = new ObjectMapper().readTree(FakeHttp.call(api, "POST", "/prompt", "{\"prompt\":" + JobRoutesTest.PROMPT + "}")
        .text()).get("prompt_id").asText();
    BufferedImage image = new BufferedImage(32, 16, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(1, 1, 0x80ff0000);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    String object = "outputs/alice/" + id + "/x_00001_.png";
    outputs.put(object, "image/png", new ByteArrayInputStream(png.toByteArray()));
    String text = "outputs/alice/" + id + "/notes.png";
    outputs.put(text, "image/png", new ByteArrayInputStream("not an image".getBytes(StandardCharsets.UTF_8)));
    jobs.update(id, current -> Outcome.write(current.orElseThrow().afterEvent(JobStatus.SUCCEEDED, 2, null, List.of(
        new JobOutput("9", "images", "x_00001_.png", "", "output", object, "image/png", png.size(), "ab"),
        new JobOutput("9", "images", "notes.png", "", "output", text, "image/png", 12, "cd")), null, 1.0,
        Instant.parse("2026-11-23T10:00:05Z")), null));
  }

  private FakeHttp.Response view(String file, String parameters) throws Exception {
    return FakeHttp.call(api, "GET", "/api/view?filename=" + file + "&subfolder=" + id + "&type=output" + parameters, null);
  }

  @Test
  void previewWebpIsAWebpOfTheImageWithItsName() throws Exception {
    FakeHttp.Response webp = view("x_00001_.png", "&preview=webp;90");
    assertThat(webp.status).isEqualTo(200);
    assertThat(webp.contentType).isEqualTo("image/webp");
    byte[] bytes = webp.body.toByteArray();
    assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    assertThat(new String(bytes, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WEBP");
    assertThat(webp.headers.get("Content-Disposition")).containsExactly("filename=\"x_00001_.png\"");
  }

  @Test
  void previewJpegAndTheChannelsReencodeWhileRgbaIsTheFileItself() throws Exception {
    FakeHttp.Response jpeg = view("x_00001_.png", "&preview=jpeg;85");
    assertThat(jpeg.contentType).isEqualTo("image/jpeg");
    assertThat(ImageIO.read(new ByteArrayInputStream(jpeg.body.toByteArray())).getWidth()).isEqualTo(32);
    FakeHttp.Response alpha = view("x_00001_.png", "&channel=a");
    assertThat(alpha.contentType).isEqualTo("image/png");
    assertThat(ImageIO.read(new ByteArrayInputStream(alpha.body.toByteArray())).getRGB(1, 1)).isEqualTo(0x80000000);
    assertThat(view("x_00001_.png", "&channel=rgb").contentType).isEqualTo("image/png");
    assertThat(view("x_00001_.png", "&channel=rgba").status).isEqualTo(302);
  }

  @Test
  void anotherUsersImageIsNotFoundAndAFileThatIsNoImageIsRefused() throws Exception {
    assertThat(view("notes.png", "&preview=webp").status).isEqualTo(400);
    caller = "mallory";
    assertThat(view("x_00001_.png", "&preview=webp;90").status).isEqualTo(404);
  }
}
