package dev.backlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.NewCard;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The board of a server with a token, in a real headless Chromium. */
class BoardTokenBrowserTest {

  @Test
  void theBoardAsksForTheTokenOnceAndKeepsItInTheTab() throws Exception {
    try (Served s = new Served(b -> b.token(SecurityReviewTest.TOKEN));
        Browser browser = new Browser(1200, 800)) {
      s.backlog.create(NewCard.builder("T1").title("Guarded card").build());
      WebDriverWait wait = new WebDriverWait(browser.driver, Duration.ofSeconds(10));
      browser.driver.get(s.url("/"));
      wait.until(d -> d.findElement(By.id("auth")).isDisplayed());
      browser.driver.findElement(By.id("auth-token")).sendKeys("not-the-token-0123456789");
      browser.driver.findElement(By.cssSelector("#auth-form button")).click();
      wait.until(d -> !d.findElement(By.id("auth-error")).getText().isEmpty());
      assertTrue(browser.driver.findElements(By.cssSelector(".card[data-id='T1']")).isEmpty());
      browser.driver.findElement(By.id("auth-token")).clear();
      browser.driver.findElement(By.id("auth-token")).sendKeys(SecurityReviewTest.TOKEN);
      browser.driver.findElement(By.cssSelector("#auth-form button")).click();
      wait.until(d -> !d.findElements(By.cssSelector(".card[data-id='T1']")).isEmpty());
      wait.until(d -> d.findElement(By.id("live")).getText().equals("live"));
      assertEquals(
          SecurityReviewTest.TOKEN,
          ((JavascriptExecutor) browser.driver)
              .executeScript("return sessionStorage.getItem('backlog.token')"));
      browser.driver.navigate().refresh();
      wait.until(d -> !d.findElements(By.cssSelector(".card[data-id='T1']")).isEmpty());
      assertTrue(!browser.driver.findElement(By.id("auth")).isDisplayed(), "asked again");
    }
  }
}
