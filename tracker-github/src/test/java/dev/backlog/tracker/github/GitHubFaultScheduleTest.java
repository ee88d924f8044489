package dev.backlog.tracker.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backlog.core.CardId;
import dev.backlog.tracker.ChangelogEntry;
import dev.backlog.tracker.Feature;
import dev.backlog.tracker.FeatureEvent;
import dev.backlog.tracker.FeatureStatus;
import dev.backlog.tracker.Roadmaps;
import dev.backlog.tracker.TrackerConfig;
import dev.backlog.tracker.TransitionPolicy;
import dev.backlog.tracker.github.fake.FakeComment;
import dev.backlog.tracker.github.fake.FakeGitHub;
import dev.backlog.tracker.github.fake.FakeIssue;
import dev.backlog.tracker.github.fake.Fault;
import dev.backlog.tracker.github.fake.Project;
import dev.backlog.tracker.github.fake.VirtualClock;
import dev.backlog.tracker.spi.FieldConflict;
import dev.backlog.tracker.spi.OpState;
import dev.backlog.tracker.spi.TrackerContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Randomized schedules of local work, remote human edits and injected faults, each from a printed
 * seed: 20 features, 100 status changes, 200 events and changelog entries, written in rounds;
 * before each round's sync, faults (5xx, 429, secondary and primary limits, commit-then-drop,
 * 409/422 on contents, renamed option ids) are queued at random; each round syncs until the op-log
 * is drained. At the end GitHub must hold exactly one issue per feature with the local title,
 * state, labels and project Status, every event exactly once as a comment, the local roadmap and
 * changelog, and the conflict ledger exactly the fields edited on both sides. A virtual clock makes
 * every rate-limit wait free.
 *
 * <p>Run one schedule with {@code -Dgithub.schedule.seed=N}; change the count with {@code
 * -Dgithub.schedule.count=N} (at least 200 by default).
 */
@Tag("slow")
class GitHubFaultScheduleTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FEATURE_MARKER =
      Pattern.compile("<!--backlog:feature (\\{.*?\\})-->", Pattern.DOTALL);
  private static final Pattern EVENT_MARKER =
      Pattern.compile("<!--backlog:event (\\{.*?\\})-->", Pattern.DOTALL);
  private static final String TOKEN_ENV = "BACKLOG_TEST_GITHUB_TOKEN";
  private static final String[] OPTIONS = {"Planned", "In Progress", "Blocked", "Complete"};
  private static final int FEATURES = 20;
  private static final int STATUS_CHANGES = 100;
  private static final int EVENTS = 200;
  private static final int CHANGELOG_ENTRIES = 10;
  private static final int ROUNDS = 5;
  private static final int MAX_SYNCS_PER_ROUND = 40;

  @TestFactory
  Stream<DynamicTest> everyFaultScheduleConvergesWithoutDuplicatesOrLostEvents() {
    Long only = Long.getLong("github.schedule.seed");
    List<Long> seeds =
        (only != null
                ? LongStream.of(only)
                : LongStream.range(0, Integer.getInteger("github.schedule.count", 200)))
            .boxed()
            .toList();
    // Schedules are independent (each has its own fake, clock and state) and mostly wait on
    // loopback
    // round trips, so a few run at once; each dynamic test reports its own seed's outcome.
    int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            runnable -> {
              Thread thread = new Thread(runnable, "fault-schedule");
              thread.setDaemon(true);
              return thread;
            });
    Map<Long, Future<?>> runs = new LinkedHashMap<>();
    for (long seed : seeds) {
      runs.put(
          seed,
          pool.submit(
              () -> {
                runSchedule(seed);
                return null;
              }));
    }
    pool.shutdown();
    return seeds.stream()
        .map(
            seed ->
                DynamicTest.dynamicTest(
                    "schedule seed " + seed,
                    () -> {
                      try {
                        runs.get(seed).get();
                      } catch (ExecutionException e) {
                        if (e.getCause() instanceof Error error) {
                          throw error;
                        }
                        throw new AssertionError(
                            "fault schedule seed " + seed + " failed", e.getCause());
                      }
                    }));
  }

  private static void runSchedule(long seed) throws Exception {
    Path dir = scratchDir(seed);
    try {
      new Schedule(seed, dir).run();
    } catch (AssertionError | RuntimeException e) {
      AssertionError failure =
          new AssertionError(
              "fault schedule seed "
                  + seed
                  + " failed (rerun it alone with"
                  + " -Dgithub.schedule.seed="
                  + seed
                  + "): "
                  + e.getMessage(),
              e);
      try {
        deleteTree(dir);
      } catch (UncheckedIOException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
    deleteTree(dir);
  }

  /** One schedule: its fake, its provider, and the model of what both sides must end up holding. */
  private static final class Schedule {
    private final long seed;
    private final Random random;
    private final Path dir;
    private final VirtualClock clock = new VirtualClock(Instant.parse("2026-06-01T08:00:00Z"));
    private final Map<CardId, List<String>> eventIds = new TreeMap<>();
    private final Map<CardId, FeatureStatus> statuses = new TreeMap<>();

    /**
     * Features whose issue a person closed or reopened this round, with the status that must be
     * merged.
     */
    private final Map<CardId, FeatureStatus> remoteStatusEdits = new TreeMap<>();

    private final Map<CardId, Set<String>> humanLabels = new HashMap<>();
    private final Map<CardId, String> humanTitles = new HashMap<>();
    private final Set<String> expectedConflicts = new TreeSet<>();
    private final Set<CardId> conflicted = new TreeSet<>(Comparator.comparing(CardId::value));
    private final List<String> syncProblems = new ArrayList<>();
    private final List<String> journal = new ArrayList<>();
    private FakeGitHub github;
    private Project project;
    private GitHubTracker tracker;
    private int events;

    Schedule(long seed, Path dir) {
      this.seed = seed;
      this.random = new Random(seed);
      this.dir = dir;
    }

    void run() throws Exception {
      github = FakeGitHub.start(clock);
      try {
        github.createRepo("octo", "widgets");
        boolean org = random.nextBoolean();
        project =
            org
                ? github.createOrgProject("octo", 4, OPTIONS)
                : github.createUserProject("octo", 4, OPTIONS);
        journal.add((org ? "organization" : "user") + " project");
        if (seed % 10 == 7) {
          github.rateLimit("core", 150);
          journal.add("core limit 150 per hour");
        }
        if (seed % 10 == 3) {
          github.rateLimit("graphql", 30);
          journal.add("graphql limit 30 per hour");
        }
        tracker = open();
        try {
          for (int round = 0; round < ROUNDS; round++) {
            round(round);
          }
          verify();
        } finally {
          tracker.close();
        }
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            e.getMessage()
                + "\nschedule: "
                + String.join("; ", journal)
                + (syncProblems.isEmpty() ? "" : "\nsync problems: " + syncProblems),
            e);
      } finally {
        github.close();
      }
    }

    private GitHubTracker open() {
      String settings =
          "{\"repo\":\"octo/widgets\",\"projectNumber\":4,\"apiUrl\":\""
              + github.apiUrl()
              + "\",\"auth\":{\"tokenEnv\":\""
              + TOKEN_ENV
              + "\"},\"writeSpacingMillis\":0,\"stateDir\":\""
              + dir.resolve("state").toString().replace("\\", "\\\\")
              + "\"}";
      TrackerConfig config = TrackerConfig.of("github", settings, dir, dir.resolve("home"));
      String token = github.token();
      GitHubRuntime runtime =
          new GitHubRuntime(
              name -> name.equals(TOKEN_ENV) ? Optional.of(token) : Optional.empty(),
              duration -> {
                if (!duration.isNegative()) {
                  clock.advance(duration);
                }
              },
              false);
      return GitHubTracker.open(new TrackerContext(config, clock), runtime);
    }

    private int share(int total, int round) {
      return total / ROUNDS + (round == ROUNDS - 1 ? total % ROUNDS : 0);
    }

    private void round(int round) {
      if (round >= 2 && seed % 2 == 0) {
        humanEdits(round);
      }
      List<Runnable> work = new ArrayList<>();
      if (round < 2) {
        int from = round == 0 ? 0 : 12;
        int to = round == 0 ? 12 : FEATURES;
        for (int i = from; i < to; i++) {
          int n = i;
          work.add(() -> create(n));
        }
      }
      // Features created in this round come first, so every other action finds its feature.
      List<Runnable> rest = new ArrayList<>();
      for (int i = 0; i < share(STATUS_CHANGES, round); i++) {
        rest.add(this::statusChange);
      }
      for (int i = 0; i < share(EVENTS, round); i++) {
        rest.add(this::event);
      }
      if (round > 0) {
        for (int i = 0;
            i
                < CHANGELOG_ENTRIES / (ROUNDS - 1)
                    + (round == ROUNDS - 1 ? CHANGELOG_ENTRIES % (ROUNDS - 1) : 0);
            i++) {
          int version = round;
          rest.add(() -> changelog(version));
        }
        rest.add(this::localTitleEdit);
      }
      Collections.shuffle(rest, random);
      work.addAll(rest);
      work.forEach(Runnable::run);
      injectFaults(round);
      syncUntilDrained(round);
      for (Map.Entry<CardId, FeatureStatus> edit : remoteStatusEdits.entrySet()) {
        assertEquals(
            edit.getValue(),
            tracker.getFeature(edit.getKey()).orElseThrow().status(),
            "round "
                + round
                + ": "
                + edit.getKey()
                + " was closed or reopened only on GitHub; the status must be merged");
        statuses.put(edit.getKey(), edit.getValue());
      }
      remoteStatusEdits.clear();
    }

    private List<Feature> features() {
      return tracker.listFeatures();
    }

    /**
     * A random feature's code; the model keeps codes and statuses so that picking one reads no
     * files.
     */
    private CardId randomCode() {
      List<CardId> codes = List.copyOf(statuses.keySet());
      return codes.get(random.nextInt(codes.size()));
    }

    private void create(int n) {
      String code = String.format(Locale.ROOT, "F%02d", n);
      Feature.Builder builder =
          Feature.builder(code, "Feature " + n + " of seed " + seed).phase("phase " + (n % 3));
      if (n > 0 && random.nextInt(3) == 0) {
        builder.dependsOn(String.format(Locale.ROOT, "F%02d", random.nextInt(n)));
      }
      tracker.createFeature(builder.build());
      eventIds.put(CardId.of(code), new ArrayList<>());
      statuses.put(CardId.of(code), FeatureStatus.PLANNED);
    }

    private void statusChange() {
      CardId code = randomCode();
      while (remoteStatusEdits.containsKey(code)) {
        // That status was changed on GitHub only this round: a local change would make it a
        // both-sides edit.
        code = randomCode();
      }
      List<FeatureStatus> targets = new ArrayList<>();
      for (FeatureStatus to : FeatureStatus.values()) {
        if (TransitionPolicy.allows(statuses.get(code), to)) {
          targets.add(to);
        }
      }
      FeatureStatus to = targets.get(random.nextInt(targets.size()));
      assertEquals(to, tracker.setStatus(code, to, "worker-" + random.nextInt(3)).status());
      statuses.put(code, to);
    }

    private void event() {
      CardId code = randomCode();
      String id = "ev-" + seed + "-" + events++;
      FeatureEvent event =
          new FeatureEvent(id, code, "note", "tester", clock.instant(), "{\"n\":" + events + "}");
      assertTrue(tracker.appendEvent(event), "a new event id is appended");
      eventIds.get(code).add(id);
    }

    private void changelog(int version) {
      Feature feature = tracker.getFeature(randomCode()).orElseThrow();
      tracker.appendChangelog(
          ChangelogEntry.of(
              feature.code().value(), "0." + version + ".0", "Shipped " + feature.title()));
    }

    private void localTitleEdit() {
      Feature feature = tracker.getFeature(randomCode()).orElseThrow();
      if (conflicted.contains(feature.code()) || humanTitles.containsKey(feature.code())) {
        return;
      }
      tracker.putFeature(feature.toBuilder().title(feature.title() + " (renamed)").build());
      journal.add("local title edit " + feature.code());
    }

    /** People edit issues on GitHub between syncs: one side only, both sides, labels, comments. */
    private void humanEdits(int round) {
      List<FakeIssue> issues = github.issues("octo", "widgets");
      int edits = 1 + random.nextInt(3);
      for (int i = 0; i < edits; i++) {
        FakeIssue issue = issues.get(random.nextInt(issues.size()));
        CardId code = codeOf(issue);
        if (conflicted.contains(code)) {
          continue;
        }
        switch (random.nextInt(5)) {
          case 0 -> {
            String title = "Retitled by a person in round " + round;
            github.editIssue(
                "octo",
                "widgets",
                issue.number(),
                "[" + code.value() + "] " + title,
                null,
                null,
                null);
            humanTitles.put(code, title);
            journal.add("round " + round + ": remote-only title edit " + code);
          }
          case 1 -> {
            github.editIssue(
                "octo",
                "widgets",
                issue.number(),
                "[" + code.value() + "] Person's idea " + round,
                null,
                null,
                null);
            Feature local = tracker.getFeature(code).orElseThrow();
            tracker.putFeature(local.toBuilder().title("Maintainer's idea " + round).build());
            humanTitles.remove(code);
            conflicted.add(code);
            expectedConflicts.add(code.value() + ".title");
            journal.add("round " + round + ": both-sides title edit " + code);
          }
          case 2 -> {
            List<String> labels = new ArrayList<>(issue.labels());
            String label = "triage-" + round;
            labels.add(label);
            github.editIssue("octo", "widgets", issue.number(), null, null, labels, null);
            humanLabels.computeIfAbsent(code, c -> new LinkedHashSet<>()).add(label);
            journal.add("round " + round + ": human label on " + code);
          }
          case 3 -> {
            FeatureStatus local = statuses.get(code);
            if (remoteStatusEdits.containsKey(code)) {
              continue;
            }
            boolean reopen = local == FeatureStatus.COMPLETE;
            github.editIssue(
                "octo", "widgets", issue.number(), null, null, null, reopen ? "open" : "closed");
            remoteStatusEdits.put(code, reopen ? FeatureStatus.PLANNED : FeatureStatus.COMPLETE);
            journal.add(
                "round " + round + ": " + (reopen ? "reopened " : "closed ") + code + " on GitHub");
          }
          default -> {
            github.addComment(
                "octo", "widgets", issue.number(), "A person's remark in round " + round, "alice");
            journal.add("round " + round + ": human comment on " + code);
          }
        }
      }
    }

    private void injectFaults(int round) {
      int count = random.nextInt(6);
      List<String> injected = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        Fault fault = randomFault();
        github.inject(fault);
        injected.add(fault.toString());
      }
      if (random.nextInt(8) == 0) {
        github.renameStatusOptionIds(project);
        injected.add("renamed status option ids");
      }
      if (!injected.isEmpty()) {
        journal.add("round " + round + " faults: " + injected);
      }
    }

    private Fault randomFault() {
      String[][] targets = {
        {"POST", "/repos/octo/widgets/issues"},
        {"PATCH", "/repos/octo/widgets/issues/\\d+"},
        {"POST", "/repos/octo/widgets/issues/\\d+/comments"},
        {"GET", "/repos/octo/widgets/issues"},
        {"GET", "/repos/octo/widgets/issues/\\d+/comments"},
        {"PUT", "/repos/octo/widgets/contents/.+"},
        {"GET", "/repos/octo/widgets/contents/.+"},
        {"POST", "/graphql"},
      };
      String[] target = targets[random.nextInt(targets.length)];
      String file = random.nextBoolean() ? "ROADMAP.md" : "CHANGELOG.md";
      return switch (random.nextInt(8)) {
        case 0 ->
            Fault.serverError(target[0], target[1], new int[] {500, 502, 503}[random.nextInt(3)]);
        case 1 -> Fault.tooManyRequests(target[0], target[1], 1 + random.nextInt(90));
        case 2 -> Fault.secondaryLimitNoHeader(target[0], target[1]);
        case 3 ->
            Fault.primaryLimit(
                target[0], target[1], clock.instant().plusSeconds(30 + random.nextInt(900)));
        case 4, 5 -> {
          String[][] writes = {targets[0], targets[1], targets[2], targets[5], targets[7]};
          String[] write = writes[random.nextInt(writes.length)];
          yield Fault.commitThenDrop(write[0], write[1]);
        }
        case 6 -> Fault.contentsConflict(file);
        default -> Fault.contentsUnprocessable(file);
      };
    }

    private void syncUntilDrained(int round) {
      for (int attempt = 1; attempt <= MAX_SYNCS_PER_ROUND; attempt++) {
        try {
          tracker.sync();
        } catch (GitHubException e) {
          syncProblems.add("round " + round + " sync " + attempt + ": " + e.getMessage());
        }
        if (drained()) {
          github.clearFaults();
          return;
        }
        clock.advance(Duration.ofMinutes(10));
      }
      fail(
          "round "
              + round
              + ": the op-log is not drained after "
              + MAX_SYNCS_PER_ROUND
              + " syncs; open ops: "
              + tracker.openOps());
    }

    /** Nothing left to send: every open op is parked on a field edited on both sides, if any. */
    private boolean drained() {
      return tracker.openOps().stream()
          .allMatch(op -> op.state() == OpState.CONFLICT && conflicted.contains(op.feature()));
    }

    private CardId codeOf(FakeIssue issue) {
      List<String> markers = markers(FEATURE_MARKER, issue.body());
      assertEquals(
          1,
          markers.size(),
          "issue #" + issue.number() + " carries one feature marker: " + issue.body());
      return CardId.of(json(markers.get(0)).get("code").asText());
    }

    /**
     * Checks the end state and reports every difference at once, so one defect does not hide
     * another.
     */
    private void verify() {
      List<String> problems = new ArrayList<>();
      List<FakeIssue> issues = github.issues("octo", "widgets");
      Map<CardId, FakeIssue> byCode = new LinkedHashMap<>();
      for (FakeIssue issue : issues) {
        FakeIssue previous = byCode.put(codeOf(issue), issue);
        if (previous != null) {
          problems.add(
              "duplicate issues #"
                  + previous.number()
                  + " and #"
                  + issue.number()
                  + " for "
                  + codeOf(issue));
        }
      }
      expect(problems, FEATURES, issues.size(), "issues on GitHub (one per feature)");
      List<Feature> features = features();
      expect(problems, FEATURES, features.size(), "local features");
      for (Feature feature : features) {
        expect(
            problems,
            statuses.get(feature.code()),
            feature.status(),
            feature.code() + ": local status");
        FakeIssue issue = byCode.get(feature.code());
        if (issue == null) {
          problems.add("no issue for " + feature.code());
        } else {
          verifyIssue(problems, feature, issue);
        }
      }

      Set<String> ledger = new TreeSet<>();
      for (FieldConflict conflict : tracker.conflicts()) {
        ledger.add(conflict.feature().value() + "." + conflict.field());
      }
      expect(
          problems,
          expectedConflicts,
          ledger,
          "ledger entries (exactly the fields edited on both sides)");
      expect(problems, 0, tracker.health().quarantined(), "quarantined ops");
      expectText(
          problems,
          Roadmaps.render(features),
          github.file("octo", "widgets", "main", "ROADMAP.md"),
          "ROADMAP.md on GitHub against the local features");
      expectText(
          problems,
          tracker.getChangelog(),
          github.file("octo", "widgets", "main", "CHANGELOG.md"),
          "CHANGELOG.md on GitHub against the local changelog");
      expect(
          problems, List.of(), github.graphQlViolations(), "GraphQL documents GitHub would refuse");
      expect(
          problems,
          List.of(),
          github.protocolViolations(),
          "requests breaking GitHub's REST conventions");
      if (!problems.isEmpty()) {
        fail(
            problems.size()
                + " difference(s) after the op-log was drained:\n- "
                + String.join("\n- ", problems));
      }
    }

    private void verifyIssue(List<String> problems, Feature feature, FakeIssue issue) {
      CardId code = feature.code();
      if (humanTitles.containsKey(code)) {
        expect(
            problems,
            humanTitles.get(code),
            feature.title(),
            code + ": local title after a title edit made only on GitHub (must be merged)");
      }
      if (!conflicted.contains(code)) {
        expect(
            problems,
            "[" + code.value() + "] " + feature.title(),
            issue.title(),
            code + ": issue title");
      }
      boolean terminal = feature.status() == FeatureStatus.COMPLETE;
      expect(
          problems,
          terminal ? "closed" : "open",
          issue.state(),
          code + " (" + feature.status().wireName() + "): issue state");
      List<String> statusLabels =
          issue.labels().stream().filter(l -> l.startsWith("status:")).toList();
      expect(
          problems,
          List.of("status:" + feature.status().wireName()),
          statusLabels,
          code + ": status labels");
      if (!issue.labels().contains("backlog")) {
        problems.add(code + ": no backlog label in " + issue.labels());
      }
      for (String human : humanLabels.getOrDefault(code, Set.of())) {
        if (!issue.labels().contains(human)) {
          problems.add(code + ": the person's label " + human + " was dropped: " + issue.labels());
        }
      }
      expect(
          problems, 1, github.projectItemCount(project, issue.nodeId()), code + ": project items");
      String option = github.projectStatus(project, issue.nodeId()).orElse("(none)");
      expect(
          problems,
          feature.status().wireName(),
          option.toLowerCase(Locale.ROOT).replace(' ', '_'),
          code + ": project Status");

      List<String> commented = new ArrayList<>();
      for (FakeComment comment : issue.comments()) {
        for (String marker : markers(EVENT_MARKER, comment.body())) {
          commented.add(json(marker).get("id").asText());
        }
      }
      if (new LinkedHashSet<>(commented).size() != commented.size()) {
        problems.add(code + ": an event was commented twice: " + commented);
      }
      List<String> local = tracker.readEvents(code).stream().map(FeatureEvent::id).toList();
      expect(
          problems,
          new TreeSet<>(local),
          new TreeSet<>(commented),
          code + ": event ids commented on the issue");
      for (String id : eventIds.get(code)) {
        expect(
            problems, 1, Collections.frequency(local, id), code + ": local copies of event " + id);
      }
    }

    /** Compares a file line by line and names the lines that differ. */
    private static void expectText(
        List<String> problems, String expected, Optional<String> actual, String what) {
      if (actual.isEmpty()) {
        problems.add(what + ": the file is missing");
        return;
      }
      List<String> want = expected.lines().toList();
      List<String> got = actual.get().lines().toList();
      List<String> differences = new ArrayList<>();
      for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
        String w = i < want.size() ? want.get(i) : "(none)";
        String g = i < got.size() ? got.get(i) : "(none)";
        if (!w.equals(g)) {
          differences.add("line " + (i + 1) + " expected <" + w + "> but was <" + g + ">");
        }
      }
      if (!differences.isEmpty() || !expected.equals(actual.get())) {
        problems.add(
            what
                + ": "
                + (differences.isEmpty() ? "line endings differ" : String.join("; ", differences)));
      }
    }

    private static void expect(List<String> problems, Object expected, Object actual, String what) {
      if (!Objects.equals(expected, actual)) {
        problems.add(what + ": expected <" + expected + "> but was <" + actual + ">");
      }
    }
  }

  private static List<String> markers(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("marker is not JSON: " + text, e);
    }
  }

  /** A scratch directory, on tmpfs when there is one: the op-log syncs every write to disk. */
  private static Path scratchDir(long seed) throws IOException {
    Path shm = Path.of("/dev/shm");
    Path parent =
        Files.isDirectory(shm) && Files.isWritable(shm)
            ? shm
            : Path.of(System.getProperty("java.io.tmpdir"));
    return Files.createTempDirectory(parent, "github-schedule-" + seed + "-");
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
