package dev.backlog.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.EventQuery;
import dev.backlog.core.EventType;
import dev.backlog.core.NewCard;
import dev.backlog.jdbc.H2SharedFile;
import dev.backlog.jdbc.JdbcBacklogStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Maven builds of a sample project that binds {@code backlog:work}. */
class WorkGoalIT {

  @TempDir Path tmp;

  private Path home() {
    return tmp.resolve("home");
  }

  private void withBacklog(Consumer<Backlog> work) {
    try (JdbcBacklogStore store =
            JdbcBacklogStore.builder()
                .sharedH2File(H2SharedFile.of(home(), H2SharedFile.Mode.BRIEF))
                .build();
        Backlog backlog = Backlog.builder().store(store).actor("it").build()) {
      work.accept(backlog);
    }
  }

  private Card card(String id) {
    Card[] found = new Card[1];
    withBacklog(b -> found[0] = b.find(CardId.of(id)).orElseThrow());
    return found[0];
  }

  private List<Event> events(String id) {
    @SuppressWarnings("unchecked")
    List<Event>[] found = new List[1];
    withBacklog(b -> found[0] = b.events(new EventQuery(0, CardId.of(id), 1000)));
    return found[0];
  }

  private void create(String... ids) {
    withBacklog(
        b -> {
          for (String id : ids) {
            b.create(NewCard.builder(id).title("card " + id).phase("build").build());
          }
        });
  }

  private String[] args(String... extra) {
    String[] base = {"-Dbacklog.home=" + home()};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  @Test
  void aPassingBuildLongerThanThreeTtlsKeepsItsCardAndCompletesItWithEvidence() throws Exception {
    create("A1");
    SampleBuild build = SampleBuild.of("app", tmp, "pass");
    String commit = build.gitInit();
    int exit =
        build
            .start(
                args("package", "-Dbacklog.card=A1", "-Dbacklog.ttl=3", "-Dit.sleepMillis=11000"))
            .await();
    String log = build.output();
    assertEquals(0, exit, log);
    assertEquals(CardStatus.DONE, card("A1").status(), log);
    long renewals = events("A1").stream().filter(e -> e.type() == EventType.RENEWED).count();
    assertTrue(renewals >= 3, "renewed " + renewals + " times:\n" + log);
    JsonNode evidence =
        new ObjectMapper().readTree(build.file("target/backlog-evidence.json").toFile());
    assertEquals("success", evidence.get("result").asText());
    assertEquals(2, evidence.at("/tests/surefire/tests").asInt(), evidence.toString());
    assertEquals(0, evidence.at("/tests/surefire/failures").asInt());
    assertEquals(commit, evidence.get("commit").asText());
    assertTrue(log.contains("backlog: evidence {"), log);
    assertTrue(log.contains("backlog: completed card A1"), log);
  }

  @Test
  void aFailingBuildFailsItsCardWithTheBuildsError() throws Exception {
    create("B1");
    SampleBuild build = SampleBuild.of("app", tmp, "fail");
    int exit = build.start(args("test", "-Dbacklog.card=B1", "-Dit.fail=true")).await();
    String log = build.output();
    assertNotEquals(0, exit, log);
    Card card = card("B1");
    assertEquals(CardStatus.READY, card.status(), log);
    assertEquals(1, card.attempts());
    Event failed =
        events("B1").stream().filter(e -> e.type() == EventType.FAILED).findFirst().orElseThrow();
    assertTrue(failed.data().contains("There are test failures"), failed.data());
    JsonNode evidence =
        new ObjectMapper().readTree(build.file("target/backlog-evidence.json").toFile());
    assertEquals("failure", evidence.get("result").asText());
    assertEquals(1, evidence.at("/tests/surefire/failures").asInt(), evidence.toString());
  }

  @Test
  void aBuildWhoseLeaseIsRevokedStopsBeforeItsNextStepAndDoesNotCompleteTheCard() throws Exception {
    create("C1");
    SampleBuild build = SampleBuild.of("app", tmp, "revoked");
    build.start(args("package", "-Dbacklog.card=C1", "-Dbacklog.ttl=3", "-Dit.sleepMillis=9000"));
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (card("C1").status() != CardStatus.CLAIMED) {
      assertTrue(build.alive() && System.nanoTime() < deadline, build.output());
      Thread.sleep(200);
    }
    withBacklog(b -> b.block(CardId.of("C1"), "taken back by a person"));
    int exit = build.await();
    String log = build.output();
    assertNotEquals(0, exit, log);
    assertTrue(log.contains("LEASE LOST on card C1"), log);
    assertTrue(log.contains("the lease on card C1 was lost"), log);
    assertTrue(!log.contains(":jar (default-jar)"), "the jar goal ran:\n" + log);
    assertTrue(
        !Files.exists(build.file("target/sample-app-1.0.jar")), "the jar was built:\n" + log);
    assertEquals(CardStatus.BLOCKED, card("C1").status());
    assertTrue(events("C1").stream().noneMatch(e -> e.type() == EventType.COMPLETED));
  }

  @Test
  void twoBuildsStartedTogetherClaimTwoDifferentCardsOfAPhase() throws Exception {
    create("D1", "D2", "D3");
    SampleBuild one = SampleBuild.of("app", tmp, "one");
    SampleBuild two = SampleBuild.of("app", tmp, "two");
    one.start(args("test", "-Dbacklog.phase=build", "-Dit.sleepMillis=3000"));
    two.start(args("test", "-Dbacklog.phase=build", "-Dit.sleepMillis=3000"));
    assertEquals(0, one.await(), one.output());
    assertEquals(0, two.await(), two.output());
    String cardOne =
        new ObjectMapper()
            .readTree(one.file("target/backlog-evidence.json").toFile())
            .get("card")
            .asText();
    String cardTwo =
        new ObjectMapper()
            .readTree(two.file("target/backlog-evidence.json").toFile())
            .get("card")
            .asText();
    assertNotEquals(cardOne, cardTwo);
    assertEquals(CardStatus.DONE, card(cardOne).status());
    assertEquals(CardStatus.DONE, card(cardTwo).status());
    Set<String> done = Set.of(cardOne, cardTwo);
    withBacklog(
        b ->
            assertEquals(
                1,
                b.list(CardQuery.ALL).stream()
                    .filter(c -> !done.contains(c.id().toString()))
                    .count()));
  }

  @Test
  void nothingClaimableLetsTheBuildGoOnUnlessFailIfNone() throws Exception {
    create("E1");
    SampleBuild build = SampleBuild.of("app", tmp, "none");
    assertEquals(0, build.start(args("validate", "-Dbacklog.phase=nope")).await(), build.output());
    assertTrue(build.output().contains("backlog: nothing claimable in phase nope"), build.output());
    SampleBuild strict = SampleBuild.of("app", tmp, "strict");
    assertNotEquals(
        0,
        strict
            .start(args("validate", "-Dbacklog.phase=nope", "-Dbacklog.failIfNone=true"))
            .await());
  }
}
