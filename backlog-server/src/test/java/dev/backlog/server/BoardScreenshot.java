package dev.backlog.server;

import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Takes the README's screenshot of a running board: {@code BoardScreenshot URL OUT.png [DELAY_MS]}
 * opens the page in headless Chromium, waits until it is live and the fleet is busy (at least two
 * cards claimed and two done, for up to a minute), then {@code DELAY_MS} more, and saves the
 * screenshot (docs/server.md, "The board", says how to run it during the demo).
 */
public final class BoardScreenshot {

  private BoardScreenshot() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: BoardScreenshot URL OUT.png [DELAY_MS]");
      System.exit(2);
    }
    long delay = args.length > 2 ? Long.parseLong(args[2]) : 1000;
    try (Browser browser = new Browser(1400, 860)) {
      browser.driver.get(args[0]);
      new WebDriverWait(browser.driver, Duration.ofSeconds(90))
          .until(d -> d.findElement(By.id("live")).getText().equals("live"));
      new WebDriverWait(browser.driver, Duration.ofSeconds(60), Duration.ofMillis(100))
          .until(
              d ->
                  Boolean.TRUE.equals(
                      ((JavascriptExecutor) d)
                          .executeScript(
                              "const n = s => document.querySelectorAll("
                                  + "`.column[data-status=${s}] .card`).length;"
                                  + " return n('claimed') >= 2 && n('done') >= 2;")));
      Thread.sleep(delay);
      browser.screenshot(Path.of(args[1]));
    }
  }
}
