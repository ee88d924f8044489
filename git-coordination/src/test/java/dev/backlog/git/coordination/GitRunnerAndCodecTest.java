package dev.backlog.git.coordination;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backlog.core.CardId;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.LeaseToken;
import dev.backlog.git.coordination.internal.EventLogCodec;
import dev.backlog.git.coordination.internal.EventLogMergeDriver;
import dev.backlog.git.coordination.internal.GitResult;
import dev.backlog.git.coordination.internal.GitRunner;
import dev.backlog.git.coordination.internal.GitVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitRunnerAndCodecTest {

  @TempDir Path tmp;

  @Test
  void largeOutputOnBothStreamsIsDrainedWithoutDeadlock() throws Exception {
    GitFixture fx = new GitFixture(tmp);
    Path repo = fx.newRepo("repo");
    byte[] big = new byte[3 * 1024 * 1024];
    new Random(1).nextBytes(big);
    Files.write(repo.resolve("big.bin"), big);
    String blob = fx.git(repo, "hash-object", "-w", "big.bin").text();

    GitResult r = fx.git.run(repo, "cat-file", "blob", blob);

    assertEquals(0, r.exitCode());
    assertArrayEquals(big, r.stdout());
  }

  @Test
  void aCallThatRunsPastTheTimeoutIsKilledWithItsDescendants() throws Exception {
    GitFixture fx = new GitFixture(tmp);
    Path repo = fx.newRepo("repo");
    Path pid = tmp.resolve("pid");
    fx.git(repo, "config", "alias.hang", "!sleep 300 & echo $! > '" + pid + "'; wait");
    GitRunner quick = fx.git.withTimeout(Duration.ofSeconds(2));

    GitResult r = quick.run(repo, "hang");

    assertTrue(r.timedOut());
    assertEquals(-1, r.exitCode());
    long sleeper = Long.parseLong(Files.readString(pid).strip());
    assertTrue(
        ProcessHandle.of(sleeper).map(p -> !p.isAlive()).orElse(true), "the descendant was killed");
  }

  @Test
  void theGitVersionIsCheckedAgainstTheMinimum() {
    assertEquals(new GitVersion(2, 39, 5), GitVersion.parse("git version 2.39.5"));
    assertTrue(GitVersion.parse("git version 2.25.0.windows.1").atLeast(GitVersion.MINIMUM));
    assertTrue(!GitVersion.parse("git version 2.24.3").atLeast(GitVersion.MINIMUM));
    assertEquals("2.25.0", Coordinator.MINIMUM_GIT);
  }

  @Test
  void missionNamesAndBranchesFollowTheConvention() {
    Mission m = Mission.parse("checkout-1a2b3c4d");
    assertEquals("backlog/mission-checkout-1a2b3c4d", m.branch());
    assertEquals("backlog/mission-checkout-1a2b3c4d-lane-2", m.laneBranch(2));
    assertEquals(
        Optional.of(m), Mission.fromBranch("refs/heads/backlog/mission-checkout-1a2b3c4d"));
    assertEquals(
        Optional.empty(),
        Mission.fromBranch("refs/heads/backlog/mission-checkout-1a2b3c4d-lane-2"));
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> new Mission("../x", "short"));
    assertEquals(2, e.violations().size());
    assertEquals(8, Mission.create("new").id().length());
  }

  @Test
  void theReducerGivesTheSameBytesWhateverTheLineOrderAndCountsDuplicatesOnce() {
    Mission m = Mission.parse("order-00000000");
    List<CoordinationEvent> events = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      events.add(
          new CoordinationEvent(
              "e" + i,
              i,
              CardId.of("C" + (i % 4)),
              i % 2 == 0 ? "claimed" : "progress",
              "w",
              Instant.parse("2026-11-23T10:00:00Z").plusSeconds(i),
              i % 3 == 0 ? Optional.of(LeaseToken.of(i)) : Optional.empty(),
              "tx" + i,
              Map.of("i", "" + i)));
    }
    byte[] expected = EventLogCodec.render(StatusReducer.reduce(m, events));
    List<CoordinationEvent> shuffled = new ArrayList<>(events);
    shuffled.addAll(events.subList(0, 5));
    Collections.shuffle(shuffled, new Random(7));

    assertArrayEquals(expected, EventLogCodec.render(StatusReducer.reduce(m, shuffled)));
    assertEquals(30, StatusReducer.reduce(m, shuffled).events());
    assertEquals(events.get(3), EventLogCodec.parseLine(EventLogCodec.line(events.get(3))));
  }

  @Test
  void theMergeDriverWritesTheUnionIntoOursAndAConflictForAnUnreadableLine() throws Exception {
    CoordinationEvent a = event("a", 1);
    CoordinationEvent b = event("b", 2);
    CoordinationEvent c = event("c", 2);
    Path base = write("base", a);
    Path ours = write("ours", a, c);
    Path theirs = write("theirs", a, b);

    assertEquals(
        0,
        EventLogMergeDriver.run(
            new String[] {base.toString(), ours.toString(), theirs.toString()}));
    assertEquals(
        EventLogCodec.line(a) + "\n" + EventLogCodec.line(b) + "\n" + EventLogCodec.line(c) + "\n",
        Files.readString(ours));

    Files.writeString(theirs, "{not json\n");
    assertEquals(
        1,
        EventLogMergeDriver.run(
            new String[] {base.toString(), ours.toString(), theirs.toString()}));
  }

  private static CoordinationEvent event(String id, long clock) {
    return new CoordinationEvent(
        id,
        clock,
        CardId.of("A"),
        "claimed",
        "w",
        Instant.parse("2026-11-23T10:00:00Z"),
        Optional.empty(),
        "tx",
        Map.of());
  }

  private Path write(String name, CoordinationEvent... events) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (CoordinationEvent e : events) {
      sb.append(EventLogCodec.line(e)).append('\n');
    }
    Path p = tmp.resolve(name);
    Files.writeString(p, sb.toString(), StandardCharsets.UTF_8);
    return p;
  }
}
