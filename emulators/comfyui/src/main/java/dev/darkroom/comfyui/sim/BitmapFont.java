package dev.darkroom.comfyui.sim;

import java.awt.Graphics2D;
import java.util.Locale;
import java.util.Map;

/**
 * A 5×7 pixel font, so the "SIMULATED" stamp renders identically on any machine, with or without
 * system fonts (headless servers often have none).
 */
final class BitmapFont {

  private static final Map<Character, String[]> GLYPHS =
      Map.ofEntries(
          Map.entry('A', rows(" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #")),
          Map.entry('B', rows("#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### ")),
          Map.entry('C', rows(" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### ")),
          Map.entry('D', rows("#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### ")),
          Map.entry('E', rows("#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####")),
          Map.entry('F', rows("#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    ")),
          Map.entry('G', rows(" ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####")),
          Map.entry('H', rows("#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #")),
          Map.entry('I', rows(" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### ")),
          Map.entry('J', rows("  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  ")),
          Map.entry('K', rows("#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #")),
          Map.entry('L', rows("#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####")),
          Map.entry('M', rows("#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #")),
          Map.entry('N', rows("#   #", "##  #", "# # #", "#  ##", "#   #", "#   #", "#   #")),
          Map.entry('O', rows(" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ")),
          Map.entry('P', rows("#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    ")),
          Map.entry('Q', rows(" ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #")),
          Map.entry('R', rows("#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #")),
          Map.entry('S', rows(" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### ")),
          Map.entry('T', rows("#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ")),
          Map.entry('U', rows("#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### ")),
          Map.entry('V', rows("#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  ")),
          Map.entry('W', rows("#   #", "#   #", "#   #", "# # #", "# # #", "## ##", "#   #")),
          Map.entry('X', rows("#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #")),
          Map.entry('Y', rows("#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  ")),
          Map.entry('Z', rows("#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####")),
          Map.entry('0', rows(" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### ")),
          Map.entry('1', rows("  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### ")),
          Map.entry('2', rows(" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####")),
          Map.entry('3', rows("#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### ")),
          Map.entry('4', rows("   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # ")),
          Map.entry('5', rows("#####", "#    ", "#### ", "    #", "    #", "#   #", " ### ")),
          Map.entry('6', rows("  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### ")),
          Map.entry('7', rows("#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   ")),
          Map.entry('8', rows(" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### ")),
          Map.entry('9', rows(" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  ")),
          Map.entry('-', rows("     ", "     ", "     ", "#####", "     ", "     ", "     ")),
          Map.entry('.', rows("     ", "     ", "     ", "     ", "     ", " ##  ", " ##  ")),
          Map.entry(',', rows("     ", "     ", "     ", "     ", " ##  ", "  #  ", " #   ")),
          Map.entry(':', rows("     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     ")),
          Map.entry('=', rows("     ", "     ", "#####", "     ", "#####", "     ", "     ")),
          Map.entry('(', rows("   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # ")),
          Map.entry(')', rows(" #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   ")),
          Map.entry('?', rows(" ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  ")));

  private static final String[] UNKNOWN = rows("     ", "     ", "     ", "     ", "     ", "     ", "     ");

  private BitmapFont() {}

  /** Width in pixels of {@code text} drawn at {@code scale}. */
  static int width(String text, int scale) {
    return text.length() * 6 * scale;
  }

  /** Draws upper-cased text with its top-left corner at (x, y) in the current colour. */
  static void draw(Graphics2D g, String text, int x, int y, int scale) {
    String upper = text.toUpperCase(Locale.ROOT);
    for (int i = 0; i < upper.length(); i++) {
      String[] glyph = GLYPHS.getOrDefault(upper.charAt(i), UNKNOWN);
      int ox = x + i * 6 * scale;
      for (int row = 0; row < glyph.length; row++) {
        for (int col = 0; col < 5; col++) {
          if (glyph[row].charAt(col) == '#') g.fillRect(ox + col * scale, y + row * scale, scale, scale);
        }
      }
    }
  }

  private static String[] rows(String... rows) {
    return rows;
  }
}
