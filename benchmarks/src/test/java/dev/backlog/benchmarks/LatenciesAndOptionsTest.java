package dev.backlog.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.benchmarks.internal.Latencies;
import dev.backlog.benchmarks.internal.Options;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatenciesAndOptionsTest {

  @Test
  void percentilesUseTheNearestRankOfTheSortedSamples() {
    Latencies l = new Latencies();
    for (int i = 100; i >= 1; i--) {
      l.add(i * 1_000L);
    }
    assertEquals(100, l.size());
    assertEquals(50_000, l.percentile(50));
    assertEquals(99_000, l.percentile(99));
    assertEquals(100_000, l.percentile(100));
    assertEquals(1_000, l.percentile(0.5));
  }

  @Test
  void anEmptyListHasZeroPercentilesAndOutOfRangePercentsAreRefused() {
    Latencies l = new Latencies();
    assertEquals(0, l.percentile(99));
    assertThrows(IllegalArgumentException.class, () -> l.percentile(0));
    assertThrows(IllegalArgumentException.class, () -> l.percentile(101));
  }

  @Test
  void mergingKeepsEverySampleAcrossGrowth() {
    Latencies a = new Latencies();
    Latencies b = new Latencies();
    for (int i = 0; i < 3_000; i++) {
      a.add(i);
      b.add(10_000 + i);
    }
    a.addAll(b);
    assertEquals(6_000, a.size());
    assertEquals(12_999, a.percentile(100));
    assertEquals(2_999, a.percentile(50));
  }

  @Test
  void theCommandLineNamesModeOutputAndServer() {
    Options o =
        Options.parse(
            List.of("full", "--million", "--out", "x", "--pg-url", "jdbc:postgresql://h/db"), null);
    assertTrue(o.full());
    assertTrue(o.million());
    assertEquals(Path.of("x"), o.out());
    assertEquals("jdbc:postgresql://h/db", o.pgUrl());
    assertEquals("full+million", o.modeName());
    assertEquals(
        "jdbc:postgresql://e/db",
        Options.parse(List.of("quick"), "jdbc:postgresql://e/db").pgUrl());
  }

  @Test
  void badArgumentsAreAllReportedWithTheUsageLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Options.parse(List.of("--pg-url", "jdbc:mysql://x", "--bogus"), null));
    assertTrue(e.getMessage().contains("--pg-url must be a jdbc:postgresql: URL"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown argument '--bogus'"), e.getMessage());
    assertTrue(e.getMessage().contains("no mode given"), e.getMessage());
    assertTrue(e.getMessage().contains(Options.USAGE), e.getMessage());
  }

  @Test
  void theDriverExitsWithTwoOnBadArguments() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int exit =
        BacklogBench.run(List.of("sideways"), System.out, new java.io.PrintStream(err, true));
    assertEquals(2, exit);
    assertTrue(err.toString().contains("unknown argument 'sideways'"), err.toString());
  }
}
