package dev.backlog.benchmarks.internal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Draws line charts as PNG files with {@code java.awt} in headless mode. The x axis is categorical
 * (each distinct x value gets an even slot), the y axis starts at zero.
 *
 * <p>Stateless and thread-safe.
 */
public final class Charts {

  private static final int WIDTH = 860;
  private static final int HEIGHT = 480;
  private static final int LEFT = 90;
  private static final int RIGHT = 250;
  private static final int TOP = 50;
  private static final int BOTTOM = 70;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0xff7f0e),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0x17becf)
  };

  private Charts() {}

  /**
   * One line.
   *
   * @param name the legend label
   * @param xs x values
   * @param ys y values, one per x
   * @param labels a label drawn beside each point (a ratio), or an empty list for none
   */
  public record Series(String name, double[] xs, double[] ys, List<String> labels) {
    /** Validates the series. */
    public Series {
      Objects.requireNonNull(name, "name");
      labels = List.copyOf(labels);
      if (xs.length != ys.length || (!labels.isEmpty() && labels.size() != xs.length)) {
        throw new IllegalArgumentException(
            "series " + name + " has " + xs.length + " x values but " + ys.length + " y values");
      }
    }
  }

  /** Draws the chart into {@code file} (PNG). */
  public static void line(
      Path file, String title, String xLabel, String yLabel, List<Series> series)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    TreeSet<Double> xValues = new TreeSet<>();
    double maxY = 0;
    for (Series s : series) {
      for (int i = 0; i < s.xs().length; i++) {
        xValues.add(s.xs()[i]);
        maxY = Math.max(maxY, s.ys()[i]);
      }
    }
    List<Double> slots = List.copyOf(xValues);
    double top = niceCeiling(maxY <= 0 ? 1 : maxY * 1.08);
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      int plotW = WIDTH - LEFT - RIGHT;
      int plotH = HEIGHT - TOP - BOTTOM;
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.setColor(Color.BLACK);
      g.drawString(title, LEFT, 28);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics fm = g.getFontMetrics();
      for (int i = 0; i <= 5; i++) {
        double v = top * i / 5;
        int y = TOP + plotH - (int) Math.round(plotH * i / 5.0);
        g.setColor(new Color(0xe6e6e6));
        g.drawLine(LEFT, y, LEFT + plotW, y);
        g.setColor(Color.DARK_GRAY);
        String label = format(v);
        g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
      }
      for (int i = 0; i < slots.size(); i++) {
        int x = xFor(i, slots.size(), plotW);
        String label = format(slots.get(i));
        g.setColor(Color.DARK_GRAY);
        g.drawLine(x, TOP + plotH, x, TOP + plotH + 4);
        g.drawString(label, x - fm.stringWidth(label) / 2, TOP + plotH + 18);
      }
      g.setColor(Color.BLACK);
      g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
      g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
      g.drawString(xLabel, LEFT + plotW / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 22);
      Graphics2D rotated = (Graphics2D) g.create();
      rotated.rotate(-Math.PI / 2);
      rotated.drawString(yLabel, -(TOP + plotH / 2 + fm.stringWidth(yLabel) / 2), 22);
      rotated.dispose();
      int legendY = TOP + 10;
      for (int s = 0; s < series.size(); s++) {
        Series line = series.get(s);
        Color color = PALETTE[s % PALETTE.length];
        g.setColor(color);
        g.setStroke(new BasicStroke(2.2f));
        int prevX = -1;
        int prevY = -1;
        for (int i = 0; i < line.xs().length; i++) {
          int x = xFor(slots.indexOf(line.xs()[i]), slots.size(), plotW);
          int y = TOP + plotH - (int) Math.round(plotH * line.ys()[i] / top);
          g.fillOval(x - 4, y - 4, 8, 8);
          if (!line.labels().isEmpty()) {
            g.drawString(line.labels().get(i), x + 7, y - 7);
          }
          if (prevX >= 0) {
            g.drawLine(prevX, prevY, x, y);
          }
          prevX = x;
          prevY = y;
        }
        g.fillRect(LEFT + plotW + 16, legendY - 9, 14, 10);
        g.setColor(Color.BLACK);
        g.drawString(line.name(), LEFT + plotW + 36, legendY);
        legendY += 20;
      }
    } finally {
      g.dispose();
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  private static int xFor(int slot, int slots, int plotW) {
    return slots <= 1
        ? LEFT + plotW / 2
        : LEFT + 30 + (int) Math.round((plotW - 60) * slot / (double) (slots - 1));
  }

  private static double niceCeiling(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (step * magnitude >= v) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  static String format(double v) {
    if (v >= 1_000_000 && v % 1_000_000 == 0) {
      return String.format(Locale.ROOT, "%,.0fM", v / 1_000_000);
    }
    if (v >= 1_000 && v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
