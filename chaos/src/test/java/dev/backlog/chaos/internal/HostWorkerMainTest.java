package dev.backlog.chaos.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An embedding host reads the same owner, threads, lease, expected count and pace whichever store
 * it runs on. The store takes two arguments on H2 ({@code h2 HOME}) and one on PostgreSQL ({@code
 * pg}): read at fixed positions, a PostgreSQL host took the thread count for its owner, the lease
 * for its threads, the expected count for its lease and the pace for its expected count, so with no
 * pace it expected 0 cards done and ended at the first empty claim, leaving a killed host's card
 * claimed and the cards after it undone; and with a pace of 250 it expected 250 of 30 cards and
 * never ended.
 */
class HostWorkerMainTest {

  @Test
  void aPostgreSqlHostReadsTheSameValuesAsAnH2Host() {
    HostWorkerMain.Options h2 =
        new HostWorkerMain.Options(Path.of("/tmp/home"), "host0", 2, Duration.ofSeconds(3), 40, 0);
    HostWorkerMain.Options pg =
        new HostWorkerMain.Options(null, "host0", 2, Duration.ofSeconds(3), 40, 0);
    assertEquals(h2, HostWorkerMain.Options.parse(h2.toArgs()));
    assertEquals(pg, HostWorkerMain.Options.parse(pg.toArgs()));
    HostWorkerMain.Options read =
        HostWorkerMain.Options.parse(List.of("pg", "host1", "1", "15", "30", "250"));
    assertNull(read.h2Home());
    assertEquals("host1", read.owner());
    assertEquals(1, read.threads());
    assertEquals(Duration.ofSeconds(15), read.ttl());
    assertEquals(30, read.expected());
    assertEquals(250, read.paceMs());
  }

  @Test
  void aWrongNumberOfArgumentsIsRefusedNotReadShifted() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HostWorkerMain.Options.parse(List.of("pg", "x", "host0", "2", "3", "40", "0")));
    assertTrue(e.getMessage().contains("pg OWNER THREADS"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> HostWorkerMain.Options.parse(List.of("h2", "host0", "2", "3", "40", "0")));
    assertThrows(
        IllegalArgumentException.class, () -> HostWorkerMain.Options.parse(List.of("mysql")));
  }
}
