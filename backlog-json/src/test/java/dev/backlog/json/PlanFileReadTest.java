package dev.backlog.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a plan file from a stream: strict UTF-8, bounded lines, line numbers kept. */
class PlanFileReadTest {

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aGoodFileReadsLikeParseWithCrLfAndAFinalLineWithoutNewline() throws IOException {
    PlanFile plan =
        PlanFile.read(
            "plan", bytes("{\"id\":\"A1\",\"title\":\"Ä\"}\r\n\n{\"id\":\"A2\",\"title\":\"b\"}"));
    assertEquals(2, plan.entries().size());
    assertEquals("Ä", plan.entries().get(0).card().title());
  }

  @Test
  void invalidUtf8IsABadLineWithItsNumberAndByteAndTheOtherLinesAreStillJudged() {
    byte[] file =
        "{\"id\":\"A1\",\"title\":\"ok\"}\n{\"id\":\"A2\",\"title\":\"bad \u00ff\u00fe\"}\n{\"id\":\"A3\"}\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    PlanFileException e =
        assertThrows(
            PlanFileException.class, () -> PlanFile.read("plan", new ByteArrayInputStream(file)));
    assertEquals(
        List.of(2, 3), e.problems().stream().map(PlanFile.Problem::line).toList(), e.getMessage());
    assertTrue(e.getMessage().contains("line 2: not valid UTF-8"), e.getMessage());
    int badByte = "{\"id\":\"A2\",\"title\":\"bad ".length() + 1;
    assertTrue(e.getMessage().contains("at byte " + badByte + " of the line"), e.getMessage());
    assertEquals(PlanErrorCode.IMPORT_INVALID, e.code());
  }

  @Test
  void aLineOverTheLimitIsReportedWithItsLengthWithoutBeingHeldWhole() {
    int size = PlanFile.MAX_LINE_BYTES + 10;
    InputStream huge =
        new InputStream() {
          private int served;

          @Override
          public int read() {
            if (served >= size + 1) {
              return -1;
            }
            served++;
            return served == size + 1 ? '\n' : 'x';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
              int c = read();
              if (c < 0) {
                return n == 0 ? -1 : n;
              }
              b[off + n++] = (byte) c;
            }
            return n;
          }
        };
    PlanFileException e = assertThrows(PlanFileException.class, () -> PlanFile.read("big", huge));
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(
        e.getMessage().contains("line 1: the line is " + size + " bytes long"), e.getMessage());
  }

  @Test
  void deepNestingIsABadLineNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    PlanFileException e =
        assertThrows(
            PlanFileException.class,
            () ->
                PlanFile.read(
                    "deep",
                    bytes("{\"id\":\"A1\",\"title\":\"x\",\"acceptance\":" + deep + "}\n")));
    assertTrue(e.getMessage().contains("line 1: not valid JSON"), e.getMessage());
  }

  @Test
  void aCutLineNamesWhereItBrokeWithoutTheParsersSource() {
    PlanFileException e =
        assertThrows(
            PlanFileException.class,
            () -> PlanFile.read("cut", bytes("{\"id\":\"A1\",\"title\":\"x\"}\n{\"id\":\"Q\"\n")));
    assertTrue(
        e.getMessage()
            .contains(
                "line 2: not valid JSON (Unexpected end-of-input: expected close marker for Object"
                    + " (start marker at column 1), column 10)"),
        e.getMessage());
    assertFalse(e.getMessage().contains("Source"), e.getMessage());
  }
}
