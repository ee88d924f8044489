package dev.backlog.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.Backlog;
import dev.backlog.core.BacklogException;
import dev.backlog.core.CardId;
import dev.backlog.core.CardQuery;
import dev.backlog.core.CardStatus;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.NewCard;
import dev.backlog.core.memory.InMemoryBacklogStore;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlanFileTest {

  private final Backlog backlog =
      Backlog.builder().store(new InMemoryBacklogStore(InstantSource.system())).build();

  private static final List<String> PLAN =
      List.of(
          "{\"id\":\"A1\",\"title\":\"first\",\"phase\":\"build\"}",
          "",
          "{\"id\":\"A2\",\"title\":\"second\",\"dependsOn\":[\"A1\"]}",
          "{\"id\":\"A0\",\"title\":\"old\",\"status\":\"done\"}");

  @AfterEach
  void close() {
    backlog.close();
  }

  @Test
  void parsingReportsEveryBadLineWithItsNumber() {
    PlanFileException e =
        assertThrows(
            PlanFileException.class,
            () ->
                PlanFile.parse(
                    "plan.jsonl",
                    List.of(
                        "{\"id\":\"A1\",\"title\":\"ok\"}",
                        "{not json",
                        "{\"id\":\"A1\",\"title\":\"again\"}",
                        "{\"id\":\"B1\",\"title\":\"x\",\"colour\":\"red\"}")));
    assertEquals(PlanErrorCode.IMPORT_INVALID, e.code());
    assertEquals(List.of(2, 3, 4), e.problems().stream().map(PlanFile.Problem::line).toList());
    assertTrue(
        e.getMessage().startsWith("import plan.jsonl refused, nothing was imported: 3 bad lines"));
    assertTrue(e.getMessage().contains("\nline 3: card A1 is already defined on line 1"));
    assertTrue(
        e.getMessage()
            .contains(
                "\nline 4: unknown field 'colour'; the card fields are acceptance, blockedReason,"
                    + " body, dependsOn, id, idempotencyKey, maxAttempts, notBefore, phase,"
                    + " priority, status, title"),
        e.getMessage());
    PlanFileException one =
        assertThrows(
            PlanFileException.class, () -> PlanFile.parse("one.jsonl", List.of("{\"id\":\"A\"}")));
    assertTrue(
        one.getMessage()
            .startsWith(
                "import one.jsonl refused, nothing was imported: 1 bad line; fix it and import"
                    + " again"),
        one.getMessage());
  }

  @Test
  void importCreatesTheCardsAndRestoresDone() {
    PlanFile.Result result = PlanFile.parse("p", PLAN).importInto(backlog, null);
    assertEquals(new PlanFile.Result(3, 1, 0, 0), result);
    assertEquals(CardStatus.DONE, backlog.find(CardId.of("A0")).orElseThrow().status());
  }

  @Test
  void oneCardIsReadAsALineIsAndRefusedWithWhatIsWrong() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    PlanFile.Entry entry =
        PlanFile.card(json.readTree("{\"id\":\"A\",\"title\":\"a\",\"status\":\"done\"}"));
    assertEquals("A", entry.card().id().value());
    assertTrue(entry.done());
    InvalidInputException notAnObject =
        assertThrows(InvalidInputException.class, () -> PlanFile.card(json.readTree("[1]")));
    assertEquals(
        "expected a card object such as {\"id\":\"A1\",\"title\":\"...\"}",
        notAnObject.getMessage());
    InvalidInputException noTitle =
        assertThrows(
            InvalidInputException.class, () -> PlanFile.card(json.readTree("{\"id\":\"B\"}")));
    assertTrue(noTitle.getMessage().contains("title"), noTitle.getMessage());
  }

  @Test
  void importRefusesACardThatExistsAndWritesNothing() {
    backlog.create(NewCard.builder("A1").title("there").build());
    BacklogException e =
        assertThrows(
            BacklogException.class, () -> PlanFile.parse("p", PLAN).importInto(backlog, null));
    assertTrue(e.getMessage().contains("line 1: card A1 already exists"), e.getMessage());
    assertEquals(1, backlog.list(CardQuery.ALL).size());
  }

  @Test
  void mergingTheSamePlanTwiceCreatesOneSetOfCards() {
    PlanFile plan = PlanFile.parse("p", PLAN);
    assertEquals(new PlanFile.Result(3, 1, 0, 0), plan.merge(backlog));
    assertEquals(new PlanFile.Result(0, 0, 0, 3), plan.merge(backlog));
    assertEquals(3, backlog.list(CardQuery.ALL).size());
    assertEquals("plan:A1", backlog.find(CardId.of("A1")).orElseThrow().idempotencyKey());
  }

  @Test
  void mergeRefusesACardThatTheHostCreatedOtherwise() {
    backlog.create(NewCard.builder("A2").title("mine").build());
    BacklogException e =
        assertThrows(BacklogException.class, () -> PlanFile.parse("p", PLAN).merge(backlog));
    assertTrue(
        e.getMessage()
            .contains("line 3: card A2 already exists in the backlog but was not created"));
    assertEquals(1, backlog.list(CardQuery.ALL).size());
  }
}
