package dev.darkroom.comfyui.sim;

import java.awt.image.BufferedImage;
import java.util.List;

/** What flows along links in the simulation: descriptions, not tensors. */
final class SimValues {

  private SimValues() {}

  record Model(String name, List<String> patches) {}

  record Clip(String name, List<String> patches) {}

  record Vae(String name) {}

  record Conditioning(String text, String clip) {}

  /** A latent batch: enough to draw it deterministically later, at VAEDecode. */
  record Latent(
      int width, int height, int batchSize, long seed, String positive, String negative, String recipe) {}

  record Images(List<BufferedImage> frames) {
    int width() {
      return frames.isEmpty() ? 0 : frames.get(0).getWidth();
    }

    int height() {
      return frames.isEmpty() ? 0 : frames.get(0).getHeight();
    }

    @Override
    public String toString() {
      return "Images(" + frames.size() + " x " + width() + "x" + height() + ")";
    }
  }

  record Mask(int width, int height) {}

  /** Sound of a length: what the save nodes write is silence of that length. */
  record Audio(double seconds) {}

  /** Frames at a rate (a video's images, for SaveVideo and GetVideoComponents). */
  record Video(Images frames, double fps) {}

  /**
   * Any other value a node passes on (a NOISE, SIGMAS, GUIDER, CONTROL_NET, UPSCALE_MODEL...),
   * described by what later nodes may use: the prompt text it carries, the steps a sampler given it
   * runs and the seed it draws noise from.
   */
  record Opaque(String type, String label, String text, int steps, long seed) {}
}
