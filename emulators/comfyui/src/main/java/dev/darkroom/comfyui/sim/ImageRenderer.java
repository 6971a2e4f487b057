package dev.darkroom.comfyui.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/**
 * Draws the simulated engine's pictures: abstract shapes whose colours and layout follow from the
 * seed, size and prompt text alone (same inputs, same pixels), stamped "SIMULATED" so nobody
 * mistakes them for model output. Antialiasing stays off: exact pixels must not depend on the
 * rendering pipeline.
 */
final class ImageRenderer {

  /** What a picture depends on. */
  record Recipe(int width, int height, long seed, String positive, String negative, String details) {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private ImageRenderer() {}

  static BufferedImage render(Recipe recipe) {
    int w = Math.max(1, recipe.width());
    int h = Math.max(1, recipe.height());
    Random random = new Random(mix(recipe));
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      Color top = Color.getHSBColor(random.nextFloat(), 0.55f, 0.9f);
      Color bottom = Color.getHSBColor(random.nextFloat(), 0.6f, 0.35f);
      g.setPaint(new GradientPaint(0, 0, top, 0, h, bottom));
      g.fillRect(0, 0, w, h);
      int shapes = 6 + random.nextInt(10);
      for (int i = 0; i < shapes; i++) {
        g.setColor(Color.getHSBColor(random.nextFloat(), 0.5f + random.nextFloat() / 2, 0.5f + random.nextFloat() / 2));
        int sw = 1 + random.nextInt(Math.max(1, w / 3));
        int sh = 1 + random.nextInt(Math.max(1, h / 3));
        int x = random.nextInt(w) - sw / 2;
        int y = random.nextInt(h) - sh / 2;
        if (random.nextBoolean()) g.fillOval(x, y, sw, sh);
        else g.fillRect(x, y, sw, sh);
      }
      stamp(g, w, h, recipe);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void stamp(Graphics2D g, int w, int h, Recipe recipe) {
    String word = "SIMULATED";
    int scale = Math.max(1, (w * 8 / 10) / BitmapFont.width(word, 1));
    int textW = BitmapFont.width(word, scale);
    int textH = 7 * scale;
    int x = (w - textW) / 2;
    int y = (h - textH) / 2;
    int pad = Math.max(1, scale * 2);
    g.setColor(Color.BLACK);
    g.fillRect(x - pad, y - pad, textW + 2 * pad, textH + 2 * pad);
    g.setColor(Color.WHITE);
    g.setStroke(new BasicStroke(Math.max(1, scale / 2f)));
    g.drawRect(x - pad, y - pad, textW + 2 * pad, textH + 2 * pad);
    BitmapFont.draw(g, word, x, y, scale);

    int small = Math.max(1, w / 300);
    String caption = "DARKROOM SIMULATED ENGINE - NOT COMFYUI";
    String seedLine = "SEED " + Long.toUnsignedString(recipe.seed());
    String promptLine = shorten(recipe.positive(), Math.max(4, w / (6 * small) - 2));
    int lineH = 9 * small;
    g.setColor(new Color(0, 0, 0));
    g.fillRect(0, h - 3 * lineH - small * 2, w, 3 * lineH + small * 2);
    g.setColor(Color.WHITE);
    BitmapFont.draw(g, caption, small * 2, h - 3 * lineH, small);
    BitmapFont.draw(g, seedLine, small * 2, h - 2 * lineH, small);
    BitmapFont.draw(g, promptLine, small * 2, h - lineH, small);
  }

  private static String shorten(String s, int max) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() <= max ? one : one.substring(0, Math.max(0, max - 3)) + "...";
  }

  private static long mix(Recipe recipe) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String key =
          recipe.width() + "x" + recipe.height() + "|" + recipe.seed() + "|" + recipe.positive()
              + "|" + recipe.negative() + "|" + recipe.details();
      byte[] d = sha.digest(key.getBytes(StandardCharsets.UTF_8));
      long v = 0;
      for (int i = 0; i < 8; i++) v = (v << 8) | (d[i] & 0xff);
      return v;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
