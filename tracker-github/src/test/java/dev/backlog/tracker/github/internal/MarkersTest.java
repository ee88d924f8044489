package dev.backlog.tracker.github.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MarkersTest {

  private static Feature full() {
    return Feature.builder("A-1.x", "Parser <b>")
        .phase("alpha --> beta")
        .status(FeatureStatus.BLOCKED)
        .dependsOn("B2", "C3")
        .body("line one\n\n  indented\n<!-- a person's comment -->")
        .acceptance("{\"criteria\":[\"parses -->\"]}")
        .field("complexity", "3")
        .field("note", "\"x<y>z\"")
        .build();
  }

  @Test
  void anIssueBodyReadsBackAsTheFeatureWithItsMarker() {
    Feature f = full();
    String body = Markers.issueBody(f, "op-1");
    String marker0 = body.substring(body.lastIndexOf("<!--backlog:feature "));
    assertEquals(
        marker0.length() - 3, marker0.indexOf("-->"), "no value ends the marker early: " + body);
    Markers.FeatureMarker marker = Markers.featureMarker(body).orElseThrow();
    assertEquals(CardId.of("A-1.x"), marker.code());
    assertEquals("op-1", marker.op());
    assertEquals(f.body(), Markers.humanBody(body));
    assertEquals(f, Markers.featureOf(marker, Markers.title(f), body, FeatureStatus.BLOCKED));
  }

  @Test
  void aFeatureWithoutABodyHasOnlyTheMarkerAndNoHumanBody() {
    Feature f = Feature.builder("A1", "T").build();
    String body = Markers.issueBody(f, "op");
    assertTrue(body.startsWith("<!--backlog:feature "), body);
    assertNull(Markers.humanBody(body));
    assertEquals(Optional.empty(), Markers.featureMarker("no marker here"));
    assertEquals(Optional.empty(), Markers.featureMarker("<!--backlog:feature {not json}-->"));
  }

  @Test
  void theTitleCarriesTheCodeAndReadsBackWithoutIt() {
    assertEquals("[A1] Parser", Markers.title(Feature.builder("A1", "Parser").build()));
    assertEquals("Parser", Markers.featureTitle(CardId.of("A1"), "[A1] Parser"));
    assertEquals(
        "Parser without prefix", Markers.featureTitle(CardId.of("A1"), "Parser without prefix"));
  }

  @Test
  void aCommentCarriesTheWholeEventInItsMarker() {
    FeatureEvent e =
        new FeatureEvent(
            "backlog-17",
            CardId.of("A1"),
            "status",
            "w1",
            Instant.parse("2026-11-23T10:00:00Z"),
            "{\"from\":\"planned\",\"to\":\"in_progress\",\"note\":\"a --> b\"}");
    String body = Markers.commentBody(e);
    assertTrue(body.startsWith("**status** by w1 at 2026-11-23T10:00:00Z"), body);
    assertEquals(Optional.of("backlog-17"), Markers.eventId(body));
    assertEquals(Optional.of(e), Markers.event(body));
    assertEquals(Optional.empty(), Markers.eventId("a person's comment"));
  }

  @Test
  void labelsKeepWhatPeopleAddedAndHoldExactlyOneStatusLabel() {
    assertEquals(
        Set.of("backlog", "status:in_progress", "bug", "good first issue"),
        Markers.labels(
            List.of("bug", "status:planned", "Status:Blocked", "good first issue", "backlog"),
            FeatureStatus.IN_PROGRESS));
    assertEquals(
        Set.of("backlog", "status:planned"), Markers.labels(List.of(), FeatureStatus.PLANNED));
  }

  @Test
  void theStatusOfLabelsIsReadOnlyWhenItIsUnambiguous() {
    assertEquals(
        Optional.of(FeatureStatus.BLOCKED), Markers.statusOf(List.of("bug", "status:blocked")));
    assertEquals(Optional.empty(), Markers.statusOf(List.of("status:blocked", "status:planned")));
    assertEquals(Optional.empty(), Markers.statusOf(List.of("status:unknown")));
    assertFalse(Markers.statusOf(List.of()).isPresent());
  }
}
