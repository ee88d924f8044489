package dev.backlog.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.NewCard;
import dev.backlog.core.memory.InMemoryBacklogStore;
import dev.backlog.tracker.spi.FeatureJson;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureTest {

  @Test
  void eachCardStatusMapsToItsFeatureStatus() {
    assertEquals(FeatureStatus.PLANNED, FeatureStatus.of(CardStatus.READY));
    assertEquals(FeatureStatus.IN_PROGRESS, FeatureStatus.of(CardStatus.CLAIMED));
    assertEquals(FeatureStatus.BLOCKED, FeatureStatus.of(CardStatus.BLOCKED));
    assertEquals(FeatureStatus.COMPLETE, FeatureStatus.of(CardStatus.DONE));
    assertEquals(FeatureStatus.IN_PROGRESS, FeatureStatus.fromWireName("in_progress"));
    assertThrows(InvalidInputException.class, () -> FeatureStatus.fromWireName("doing"));
  }

  @Test
  void aFeatureMirrorsEveryCardField() {
    try (Backlog backlog =
        Backlog.builder().store(new InMemoryBacklogStore(InstantSource.system())).build()) {
      backlog.create(NewCard.builder("B1").title("Lexer").build());
      backlog.create(
          NewCard.builder("A1")
              .title("Parser")
              .body("body")
              .phase("p1")
              .dependsOn("B1")
              .acceptance("[\"parses\"]")
              .build());
      backlog.claimOne("w", Duration.ofMinutes(1));
      Card card = backlog.find(CardId.of("B1")).orElseThrow();
      assertEquals(FeatureStatus.IN_PROGRESS, Feature.fromCard(card).status());
      Feature a1 = Feature.fromCard(backlog.find(CardId.of("A1")).orElseThrow());
      assertEquals("Parser", a1.title());
      assertEquals("p1", a1.phase());
      assertEquals("body", a1.body());
      assertEquals("[\"parses\"]", a1.acceptance());
      assertEquals(List.of(CardId.of("B1")), List.copyOf(a1.dependsOn()));
      assertTrue(a1.fields().isEmpty());
    }
  }

  @Test
  void invalidFeaturesReportEveryProblemAtOnce() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () ->
                Feature.builder("A1", " ")
                    .phase(" ")
                    .dependsOn("A1")
                    .acceptance("{oops")
                    .field("title", "\"x\"")
                    .field("n", "not json")
                    .build());
    assertEquals(6, e.violations().size(), e.getMessage());
  }

  @Test
  void theJsonFormRoundTripsEveryFieldWithAStableOrder() {
    Feature feature =
        Feature.builder("A1", "Parser")
            .phase("p1")
            .status(FeatureStatus.BLOCKED)
            .dependsOn("B2", "B1")
            .body("line1\nline2")
            .acceptance("{ \"tests\" : [1, 2] }")
            .field("complexity", "3")
            .field("filesChanged", "[\"a.java\"]")
            .build();
    String json = FeatureJson.write(feature);
    assertEquals(feature, FeatureJson.read(json));
    assertEquals(json, FeatureJson.write(FeatureJson.read(json)));
    assertTrue(
        json.indexOf("\"code\"") < json.indexOf("\"title\"")
            && json.indexOf("\"acceptance\"") < json.indexOf("\"complexity\""),
        json);
    assertFalse(json.contains("\"fields\""));
    assertThrows(
        IllegalArgumentException.class,
        () -> FeatureJson.read("{\"code\":\"../x\",\"title\":\"t\",\"status\":\"planned\"}"));
  }

  @Test
  void thePolicyMirrorsTheCardStatusMachine() {
    CardId a = CardId.of("A1");
    TransitionPolicy.check(a, FeatureStatus.PLANNED, FeatureStatus.IN_PROGRESS);
    TransitionPolicy.check(a, FeatureStatus.COMPLETE, FeatureStatus.PLANNED);
    TransitionPolicy.check(a, FeatureStatus.BLOCKED, FeatureStatus.BLOCKED);
    StatusTransitionException e =
        assertThrows(
            StatusTransitionException.class,
            () -> TransitionPolicy.check(a, FeatureStatus.COMPLETE, FeatureStatus.IN_PROGRESS));
    assertTrue(
        e.getMessage().contains("from complete to in_progress")
            && e.getMessage().contains("reopen"),
        e.getMessage());
    assertThrows(
        StatusTransitionException.class,
        () -> TransitionPolicy.check(a, FeatureStatus.BLOCKED, FeatureStatus.IN_PROGRESS));
    assertThrows(
        StatusTransitionException.class,
        () -> TransitionPolicy.checkUnchanged(a, FeatureStatus.PLANNED, FeatureStatus.COMPLETE));
  }

  @Test
  void theRoadmapGroupsByPhaseWithStatusAndDependencies() {
    String roadmap =
        Roadmaps.render(
            List.of(
                Feature.builder("B1", "Lexer | tokens")
                    .phase("p1")
                    .status(FeatureStatus.COMPLETE)
                    .build(),
                Feature.builder("A1", "Parser").phase("p1").dependsOn("B1").build(),
                Feature.builder("C1", "Docs").build()));
    assertEquals(
        "# Roadmap\n\n## Phase: p1 (1/2 complete)\n\n| Code | Title | Status | Depends on |\n"
            + "| --- | --- | --- | --- |\n| B1 | Lexer \\| tokens | complete | - |\n| A1 | Parser | planned | B1 |\n\n"
            + "## Unphased (0/1 complete)\n\n| Code | Title | Status | Depends on |\n| --- | --- | --- | --- |\n"
            + "| C1 | Docs | planned | - |\n",
        roadmap);
  }

  @Test
  void theRoadmapListsPhasesAndFeaturesInTheOrderTheWorkCanBeDone() {
    String roadmap =
        Roadmaps.render(
            List.of(
                Feature.builder("R1", "Release").phase("release").dependsOn("T1").build(),
                Feature.builder("T1", "Tests").phase("test").dependsOn("B2").build(),
                Feature.builder("B2", "API").phase("build").dependsOn("B1").build(),
                Feature.builder("B1", "Schema").phase("build").dependsOn("D1").build(),
                Feature.builder("A0", "Late design").phase("design").dependsOn("B2").build(),
                Feature.builder("D1", "Design").phase("design").dependsOn("X9").build()));
    List<String> headings =
        roadmap.lines().filter(l -> l.startsWith("## ")).map(l -> l.substring(3)).toList();
    assertEquals(
        List.of(
            "Phase: design (0/2 complete)",
            "Phase: build (0/2 complete)",
            "Phase: test (0/1 complete)",
            "Phase: release (0/1 complete)"),
        headings,
        "a phase comes at its shallowest feature; X9 is no feature and counts as done");
    List<String> codes =
        roadmap
            .lines()
            .filter(l -> l.matches("\\| [A-Z][0-9] .*"))
            .map(l -> l.substring(2, 4))
            .toList();
    assertEquals(List.of("D1", "A0", "B1", "B2", "T1", "R1"), codes, "by depth within a phase");
  }

  @Test
  void aCycleInEditedTrackerFilesStillRenders() {
    String roadmap =
        Roadmaps.render(
            List.of(
                Feature.builder("A", "a").dependsOn("B").build(),
                Feature.builder("B", "b").dependsOn("A").build(),
                Feature.builder("C", "c").build()));
    assertTrue(roadmap.indexOf("| C |") < roadmap.indexOf("| A |"), roadmap);
    assertTrue(roadmap.indexOf("| A |") < roadmap.indexOf("| B |"), roadmap);
  }

  @Test
  void aLongChainRendersWithoutRecursion() {
    List<Feature> chain = new java.util.ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      Feature.Builder b = Feature.builder("F" + i, "f");
      if (i > 0) {
        b.dependsOn("F" + (i - 1));
      }
      chain.add(b.build());
    }
    java.util.Collections.reverse(chain);
    String roadmap = Roadmaps.render(chain);
    assertTrue(roadmap.indexOf("| F0 |") < roadmap.indexOf("| F49999 |"));
  }
}
