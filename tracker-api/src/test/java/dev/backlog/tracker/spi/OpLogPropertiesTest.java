package dev.backlog.tracker.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backlog.core.CardId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class OpLogPropertiesTest {

  private static final InstantSource CLOCK =
      InstantSource.fixed(Instant.parse("2026-11-23T10:00:00Z"));

  /** What the remote does with one request. */
  enum Fate {
    OK,
    FAIL,
    LOSE_RESPONSE
  }

  /** A remote whose answers follow a scripted list of fates (OK once the script runs out). */
  static final class ScriptedRemote implements OpExecutor {
    final Map<String, List<String>> appliedPerFeature = new HashMap<>();
    final Map<String, Integer> applyCount = new HashMap<>();
    Iterator<Fate> fates;

    ScriptedRemote(List<Fate> script) {
      this.fates = script.iterator();
    }

    @Override
    public Outcome apply(Op op) {
      Fate fate = fates.hasNext() ? fates.next() : Fate.OK;
      if (fate == Fate.FAIL) {
        throw new IllegalStateException("HTTP 503");
      }
      appliedPerFeature
          .computeIfAbsent(op.feature().value(), f -> new ArrayList<>())
          .add(op.payload());
      applyCount.merge(op.payload(), 1, Integer::sum);
      if (fate == Fate.LOSE_RESPONSE) {
        throw new ResponseLostException("connection dropped after the write", null);
      }
      return Outcome.DONE;
    }

    @Override
    public Resolution resolve(Op op) {
      return applyCount.containsKey(op.payload()) ? Resolution.APPLIED : Resolution.NOT_APPLIED;
    }
  }

  @Provide
  Arbitrary<List<String>> features() {
    return Arbitraries.of("A", "B", "C").list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<Fate>> scripts() {
    return Arbitraries.of(Fate.class).list().ofMaxSize(20);
  }

  @Property(tries = 40)
  void opsReachTheRemoteAtMostOnceAndInEnqueueOrderPerFeature(
      @ForAll("features") List<String> features,
      @ForAll("scripts") List<Fate> script,
      @ForAll @IntRange(min = 1, max = 4) int maxAttempts,
      @ForAll boolean reopenBetweenDrains)
      throws IOException {
    Path dir = Files.createTempDirectory("oplog-prop");
    try {
      Path file = dir.resolve("oplog.jsonl");
      Map<String, List<String>> enqueued = new HashMap<>();
      OpLog log = OpLog.open(file, CLOCK, maxAttempts);
      for (int i = 0; i < features.size(); i++) {
        String payload = features.get(i) + i;
        log.enqueue(CardId.of(features.get(i)), "put", payload);
        enqueued.computeIfAbsent(features.get(i), f -> new ArrayList<>()).add(payload);
      }
      ScriptedRemote remote = new ScriptedRemote(script);
      for (int round = 0; round < 30 && log.pending() > 0; round++) {
        log.drain(remote);
        if (reopenBetweenDrains) {
          log.close();
          log = OpLog.open(file, CLOCK, maxAttempts);
        }
      }
      remote.applyCount.forEach(
          (payload, count) -> assertEquals(1, count, payload + " was written twice"));
      assertInOrder(enqueued, remote, false);
      assertEquals(
          countHeld(log), log.pending(), "only ops behind a quarantined one may still wait");

      // the remote recovers; a person retries every quarantined op: all ops land, each exactly once
      remote.fates = List.<Fate>of().iterator();
      for (int round = 0; round < 10 && (log.pending() > 0 || log.quarantined() > 0); round++) {
        for (Op op : log.openOps()) {
          if (op.state() == OpState.QUARANTINED) {
            log.retry(op.id());
          }
        }
        log.drain(remote);
      }
      assertEquals(0, log.pending());
      assertEquals(0, log.quarantined());
      assertEquals(features.size(), remote.applyCount.size());
      remote.applyCount.forEach(
          (payload, count) -> assertEquals(1, count, payload + " was written twice"));
      assertInOrder(enqueued, remote, true);
      log.close();
    } finally {
      deleteTree(dir);
    }
  }

  private static void assertInOrder(
      Map<String, List<String>> enqueued, ScriptedRemote remote, boolean complete) {
    for (Map.Entry<String, List<String>> feature : enqueued.entrySet()) {
      List<String> applied = remote.appliedPerFeature.getOrDefault(feature.getKey(), List.of());
      List<String> expected =
          complete ? feature.getValue() : feature.getValue().subList(0, applied.size());
      assertEquals(
          expected, applied, "ops of " + feature.getKey() + " reached the remote out of order");
    }
  }

  /** Pending ops that wait behind a quarantined op of their feature. */
  private static int countHeld(OpLog log) {
    List<Op> open = log.openOps();
    int held = 0;
    java.util.Set<CardId> blocked = new java.util.HashSet<>();
    for (Op op : open) {
      if (op.state() == OpState.QUARANTINED) {
        blocked.add(op.feature());
      } else if (blocked.contains(op.feature()) && op.state().isPending()) {
        held++;
      }
    }
    return held;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
