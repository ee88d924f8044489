package dev.backlog.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.core.Claim;
import dev.backlog.core.NewCard;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The board in a real headless Chromium, against a real server on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BoardBrowserTest {

  static final Path SHOTS = Path.of("target/screenshots");

  private Served s;
  private Browser browser;

  @BeforeAll
  void start() throws Exception {
    s = new Served();
    browser = new Browser(1400, 900);
  }

  @AfterAll
  void stop() throws Exception {
    browser.close();
    s.close();
  }

  private void seed() {
    s.backlog.inTransaction(
        tx -> {
          tx.create(
              NewCard.builder("SPEC").title("Write the spec").phase("design").priority(3).build());
          tx.create(
              NewCard.builder("API")
                  .title("Build the API")
                  .phase("build")
                  .dependsOn(List.of("SPEC"))
                  .acceptance("[\"routes answer\",\"errors mapped\"]")
                  .build());
          tx.create(
              NewCard.builder("UI")
                  .title("Build the board")
                  .phase("build")
                  .dependsOn(List.of("SPEC"))
                  .build());
          tx.create(
              NewCard.builder("SHIP")
                  .title("Ship it")
                  .phase("release")
                  .dependsOn(List.of("API", "UI"))
                  .build());
          tx.create(
              NewCard.builder("LEGAL")
                  .title("Licence review")
                  .phase("release")
                  .blocked("waiting on counsel")
                  .build());
          tx.create(NewCard.builder("DOCS").title("Docs").phase("build").build());
          return null;
        });
    s.backlog.forceComplete(CardId.of("DOCS"));
  }

  private WebDriverWait waitUpTo(long millis) {
    WebDriverWait wait =
        new WebDriverWait(browser.driver, Duration.ofMillis(millis), Duration.ofMillis(50));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /**
   * An attribute of the element {@code css} finds, read again when the board re-rendered the
   * element between finding and reading it (a refresh replaces the cards).
   */
  private String attribute(String css, String name) {
    return waitUpTo(3_000).until(d -> d.findElement(By.cssSelector(css)).getAttribute(name));
  }

  /** The text of the element {@code css} finds, read as {@link #attribute} reads. */
  private String text(String css) {
    return waitUpTo(3_000).until(d -> d.findElement(By.cssSelector(css)).getText());
  }

  /** Clicks the element {@code css} finds, finding it again when a refresh replaced it. */
  private void click(String css) {
    waitUpTo(3_000)
        .until(
            d -> {
              d.findElement(By.cssSelector(css)).click();
              return true;
            });
  }

  private String columnOf(String id) {
    Object column =
        ((JavascriptExecutor) browser.driver)
            .executeScript(
                "const c = document.querySelector(`.card[data-id='${arguments[0]}']`);"
                    + " return c ? c.closest('.column').dataset.status : null;",
                id);
    return (String) column;
  }

  @Test
  void theBoardFollowsClaimsAndCompletionsLiveAndShowsDetailAndGraph() throws Exception {
    seed();
    browser.driver.get(s.url("/"));
    waitUpTo(10_000)
        .until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-loaded")));
    waitUpTo(5_000).until(d -> d.findElement(By.id("live")).getText().equals("live"));
    assertEquals("ready", columnOf("SPEC"));
    assertEquals("ready", columnOf("API"));
    assertEquals("blocked", columnOf("LEGAL"));
    assertEquals("done", columnOf("DOCS"));
    assertEquals("2", attribute(".card[data-id='SHIP'] .badge.deps", "data-deps"));
    browser.screenshot(SHOTS.resolve("board-seeded.png"));

    Served.Reply claim =
        s.post(
            "/api/claims",
            "{\"owner\":\"worker-7\",\"ttlSeconds\":300,\"leasePhase\":\"implementing\"}");
    assertEquals("SPEC", claim.json().get("id").asText());
    long t0 = System.nanoTime();
    waitUpTo(3_000).until(d -> "claimed".equals(columnOf("SPEC")));
    long movedMillis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(movedMillis < 1_500, "the card moved after " + movedMillis + " ms");
    assertEquals("worker-7", text(".card[data-id='SPEC'] .owner"));
    assertEquals("implementing", text(".card[data-id='SPEC'] .lease-phase"));
    String first = text(".card[data-id='SPEC'] .countdown");
    assertTrue(first.matches("[45]m \\d\\ds left"), first);
    waitUpTo(3_000)
        .until(
            d ->
                !d.findElement(By.cssSelector(".card[data-id='SPEC'] .countdown"))
                    .getText()
                    .equals(first));
    browser.screenshot(SHOTS.resolve("board-claimed.png"));

    long token = claim.json().get("lease").get("token").asLong();
    assertEquals(
        200,
        s.post(
                "/api/cards/SPEC/complete",
                "{\"token\":" + token + ",\"evidence\":{\"tests\":\"42 passed\"}}")
            .status());
    waitUpTo(3_000).until(d -> "done".equals(columnOf("SPEC")));

    click(".card[data-id='SPEC']");
    waitUpTo(3_000)
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#detail-events li")));
    List<String> types =
        waitUpTo(3_000)
            .until(
                d ->
                    d.findElements(By.cssSelector("#detail-events li")).stream()
                        .map(li -> li.getAttribute("data-type"))
                        .toList());
    assertEquals(List.of("completed", "claimed", "created"), types);
    // Outcome, token and text of each run, read in one pass (a refresh may replace the panel).
    List<List<String>> runs =
        waitUpTo(3_000)
            .until(
                d ->
                    d.findElements(By.cssSelector("#detail-runs li")).stream()
                        .map(
                            li ->
                                List.of(
                                    li.getAttribute("data-outcome"),
                                    li.getAttribute("data-token"),
                                    li.getText()))
                        .toList());
    assertEquals(1, runs.size());
    assertEquals("completed", runs.get(0).get(0));
    assertEquals(Long.toString(token), runs.get(0).get(1));
    assertTrue(runs.get(0).get(2).contains("worker-7"), runs.get(0).get(2));
    assertTrue(runs.get(0).get(2).contains("42 passed"), runs.get(0).get(2));
    browser.screenshot(SHOTS.resolve("board-detail.png"));
    click("#detail-close");

    // Why a card waits, as explain says it.
    click(".card[data-id='SHIP']");
    waitUpTo(3_000)
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#detail-why li")));
    assertEquals(
        List.of("waits for API, which is ready", "waits for UI, which is ready"),
        browser.driver.findElements(By.cssSelector("#detail-why li")).stream()
            .map(WebElement::getText)
            .toList());
    browser.screenshot(SHOTS.resolve("board-why.png"));
    click("#detail-close");
    click(".card[data-id='API']");
    waitUpTo(3_000)
        .until(
            d ->
                d.findElement(By.id("detail-body")).getText().contains("claim order")
                    && d.findElement(By.id("detail-body")).getText().contains("API"));
    assertTrue(
        browser
            .driver
            .findElement(By.id("detail-body"))
            .getText()
            .contains("claim order\n1: the next claim takes it"),
        browser.driver.findElement(By.id("detail-body")).getText());
    click("#detail-close");

    click("#tab-graph");
    waitUpTo(3_000).until(d -> d.findElements(By.cssSelector("#graph g.node")).size() == 6);
    assertEquals(6, browser.driver.findElements(By.cssSelector("#graph g.node")).size());
    assertEquals(4, browser.driver.findElements(By.cssSelector("#graph path.edge")).size());
    assertEquals(
        1,
        browser
            .driver
            .findElements(By.cssSelector("#graph path.edge[data-from='SHIP'][data-to='UI']"))
            .size());
    assertEquals("done", attribute("#graph g.node[data-id='SPEC']", "class").split(" ")[1]);
    browser.screenshot(SHOTS.resolve("board-graph.png"));
    click("#tab-board");

    // A deferral shows on the card, live.
    String until =
        java.time.Instant.now().plusSeconds(7200).truncatedTo(ChronoUnit.SECONDS).toString();
    assertEquals(200, s.post("/api/cards/SHIP/defer", "{\"until\":\"" + until + "\"}").status());
    waitUpTo(3_000)
        .until(d -> !d.findElements(By.cssSelector(".card[data-id='SHIP'] .not-before")).isEmpty());
    assertEquals(until, attribute(".card[data-id='SHIP'] .not-before", "data-not-before"));

    // A person blocks a card from the page; the API sees it.
    click(".card[data-id='UI']");
    waitUpTo(3_000).until(ExpectedConditions.elementToBeClickable(By.id("action-block")));
    browser.driver.findElement(By.id("block-reason")).sendKeys("needs design review");
    click("#action-block");
    waitUpTo(3_000).until(d -> "blocked".equals(columnOf("UI")));
    assertEquals("needs design review", s.backlog.get(CardId.of("UI")).blockedReason());
    click("#detail-close");
    Claim lost = s.backlog.claimOne("late", Duration.ofMinutes(1)).orElseThrow();
    assertEquals("API", lost.card().id().value());
  }
}
