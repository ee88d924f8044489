package dev.backlog.cli.coord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.cli.internal.ExitCodes;
import dev.backlog.core.CardId;
import dev.backlog.core.ErrorCategory;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.LeaseToken;
import dev.backlog.git.coordination.CardState;
import dev.backlog.git.coordination.CleanupReport;
import dev.backlog.git.coordination.CommitReceipt;
import dev.backlog.git.coordination.CoordinationConfig;
import dev.backlog.git.coordination.CoordinationEvent;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.DoctorReport;
import dev.backlog.git.coordination.EventDraft;
import dev.backlog.git.coordination.Lane;
import dev.backlog.git.coordination.MergeReport;
import dev.backlog.git.coordination.Mission;
import dev.backlog.git.coordination.MissionStatus;
import dev.backlog.git.coordination.RecoveryReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code backlog coord}: git coordination from the command line. Every subcommand accepts {@code
 * --json} (one JSON value on stdout) and fails with the exit code of the error's category. Not
 * thread-safe; picocli creates one instance per run.
 */
@Command(
    name = "coord",
    description = {
      "Git coordination: a mission's coordination branch, lane worktrees,",
      "atomic bookkeeping commits and serialized merges (git 2.25 or later)."
    },
    subcommands = {
      CoordCommand.Init.class,
      CoordCommand.LaneGroup.class,
      CoordCommand.Record.class,
      CoordCommand.Status.class,
      CoordCommand.Merge.class,
      CoordCommand.Cleanup.class,
      CoordCommand.Doctor.class
    })
public final class CoordCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The mission status as the JSON object that {@code status.json} holds. */
  static ObjectNode readStatus(MissionStatus status) {
    try {
      return (ObjectNode) JSON.readTree(status.toJson());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "status.json of " + status.mission() + " could not be read back", e);
    }
  }

  @Spec CommandSpec spec;

  /** Creates the command (picocli instantiates it). */
  public CoordCommand() {}

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "a coord command is required, such as 'backlog coord status'");
  }

  /** Shared plumbing of the coord subcommands. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--repo",
        paramLabel = "DIR",
        defaultValue = ".",
        description = "A directory inside the git repository (default: the current directory).")
    Path repo;

    @Override
    public final Integer call() {
      try (Coordinator coord =
          Coordinator.open(repo.toAbsolutePath(), CoordinationConfig.defaults())) {
        return run(coord);
      }
    }

    abstract int run(Coordinator coord);

    boolean json() {
      return Boolean.TRUE.equals(global("--json"));
    }

    String actor() {
      Object a = global("--actor");
      if (a instanceof String s && !s.isBlank()) {
        return s;
      }
      String env = System.getenv("BACKLOG_ACTOR");
      return env != null && !env.isBlank() ? env : System.getProperty("user.name", "backlog");
    }

    private Object global(String name) {
      for (CommandSpec s = spec; s != null; s = s.parent()) {
        OptionSpec o = s.findOption(name);
        if (o != null && o.getValue() != null && !(o.getValue() instanceof Boolean b && !b)) {
          return o.getValue();
        }
      }
      return null;
    }

    void emit(Object jsonValue, String human) {
      PrintWriter out = spec.commandLine().getOut();
      if (json()) {
        try {
          out.println(JSON.writeValueAsString(jsonValue));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException("output could not be written as JSON", e);
        }
      } else {
        out.println(human);
      }
      out.flush();
    }
  }

  /** {@code coord init}. */
  @Command(
      name = "init",
      description = {
        "Create (or reuse) a mission's coordination branch and worktree,",
        "and register the event-log merge drivers in git config."
      })
  static final class Init extends Base {
    @Option(
        names = "--mission",
        required = true,
        paramLabel = "SLUG|HANDLE",
        description = "A new slug (an 8-character id is added) or an existing <slug>-<id8>.")
    String mission;

    @Option(
        names = "--base",
        defaultValue = "HEAD",
        paramLabel = "REF",
        description = "Where the coordination branch starts (default ${DEFAULT-VALUE}).")
    String base;

    @Override
    int run(Coordinator coord) {
      Mission m = existingOrNew(coord, mission);
      coord.init(m, base);
      ObjectNode n = missionJson(coord, m);
      emit(
          n,
          "mission "
              + m.handle()
              + " on branch "
              + m.branch()
              + " in "
              + coord.coordinationWorktree(m));
      return 0;
    }

    private static Mission existingOrNew(Coordinator coord, String text) {
      if (text.length() > 9 && text.charAt(text.length() - 9) == '-') {
        try {
          Mission m = Mission.parse(text);
          if (coord.missions().contains(m)) {
            return m;
          }
        } catch (InvalidInputException e) {
          // not a handle; treat it as a slug below
        }
      }
      return Mission.create(text);
    }
  }

  /** {@code coord lane}. */
  @Command(
      name = "lane",
      description = "Add, list or remove lanes.",
      subcommands = {LaneAdd.class, LaneList.class, LaneRemove.class})
  static final class LaneGroup implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      throw new ParameterException(
          spec.commandLine(), "a lane command is required: add, list or remove");
    }
  }

  /** {@code coord lane add}. */
  @Command(
      name = "add",
      description = "Add a lane branch and sparse worktree parented on the coordination branch.")
  static final class LaneAdd extends Base {
    @Option(
        names = "--mission",
        required = true,
        paramLabel = "HANDLE",
        description = "The mission, <slug>-<id8>.")
    String mission;

    @Option(
        names = "--lane",
        defaultValue = "0",
        paramLabel = "N",
        description = "Lane number (default: the next free one).")
    int lane;

    @Override
    int run(Coordinator coord) {
      Lane l = coord.addLane(Mission.parse(mission), lane);
      emit(laneJson(l), "lane " + l.number() + " on " + l.branch() + " in " + l.worktree());
      return 0;
    }
  }

  /** {@code coord lane list}. */
  @Command(name = "list", description = "List a mission's lanes.")
  static final class LaneList extends Base {
    @Option(
        names = "--mission",
        required = true,
        paramLabel = "HANDLE",
        description = "The mission, <slug>-<id8>.")
    String mission;

    @Override
    int run(Coordinator coord) {
      List<Lane> lanes = coord.lanes(Mission.parse(mission));
      ArrayNode a = JSON.createArrayNode();
      StringBuilder human = new StringBuilder();
      for (Lane l : lanes) {
        a.add(laneJson(l));
        human
            .append(l.number())
            .append('\t')
            .append(l.branch())
            .append('\t')
            .append(l.worktree())
            .append('\n');
      }
      emit(a, lanes.isEmpty() ? "no lanes" : human.toString().stripTrailing());
      return 0;
    }
  }

  /** {@code coord lane remove}. */
  @Command(
      name = "remove",
      description = {
        "Remove a lane: worktree, prune, branch.",
        "Refused for a dirty or unmerged lane unless --force."
      })
  static final class LaneRemove extends Base {
    @Option(
        names = "--mission",
        required = true,
        paramLabel = "HANDLE",
        description = "The mission, <slug>-<id8>.")
    String mission;

    @Option(names = "--lane", required = true, paramLabel = "N", description = "Lane number.")
    int lane;

    @Option(names = "--force", description = "Remove even a dirty or unmerged lane.")
    boolean force;

    @Override
    int run(Coordinator coord) {
      coord.removeLane(Mission.parse(mission), lane, force);
      ObjectNode n = JSON.createObjectNode();
      n.put("removed", lane);
      emit(n, "removed lane " + lane);
      return 0;
    }
  }

  /** {@code coord record}. */
  @Command(
      name = "record",
      description = {
        "Record an event on the coordination branch in one atomic commit.",
        "A lease token older than the card's current one in the log is refused (exit 4)."
      })
  static final class Record extends Base {
    @Option(
        names = "--mission",
        required = true,
        paramLabel = "HANDLE",
        description = "The mission, <slug>-<id8>.")
    String mission;

    @Option(
        names = "--card",
        required = true,
        paramLabel = "ID",
        description = "The card the event is about.")
    String card;

    @Option(
        names = "--type",
        required = true,
        paramLabel = "TYPE",
        description = "What happened, e.g. claimed, completed.")
    String type;

    @Option(
        names = "--lease",
        paramLabel = "TOKEN",
        description = "The card's lease token held by the writer.")
    Long lease;

    @Option(names = "--data", paramLabel = "KEY=VALUE", description = "Extra fields (repeatable).")
    Map<String, String> data = new LinkedHashMap<>();

    @Override
    int run(Coordinator coord) {
      EventDraft draft = EventDraft.of(CardId.of(card), type, actor()).withData(data);
      if (lease != null) {
        draft = draft.withLease(LeaseToken.of(lease));
      }
      CommitReceipt r = coord.record(Mission.parse(mission), draft);
      ObjectNode n = JSON.createObjectNode();
      n.put("commit", r.commit());
      n.put("transaction", r.transaction());
      ArrayNode events = n.putArray("events");
      r.events().forEach(e -> events.add(eventJson(e)));
      emit(n, "recorded " + type + " of " + card + " as " + r.commit());
      return 0;
    }
  }

  /** {@code coord status}. */
  @Command(
      name = "status",
      description = {
        "Without --mission: list missions. With it: the materialized status,",
        "or with --recovery the state of its worktrees and branches."
      })
  static final class Status extends Base {
    @Option(names = "--mission", paramLabel = "HANDLE", description = "The mission, <slug>-<id8>.")
    String mission;

    @Option(
        names = "--recovery",
        description = "Report worktrees, branches, merges/rebases in progress, dirt, ahead/behind.")
    boolean recovery;

    @Override
    int run(Coordinator coord) {
      if (mission == null) {
        ArrayNode a = JSON.createArrayNode();
        StringBuilder human = new StringBuilder();
        for (Mission m : coord.missions()) {
          a.add(missionJson(coord, m));
          human.append(m.handle()).append('\t').append(m.branch()).append('\n');
        }
        emit(
            a,
            a.isEmpty()
                ? "no missions; start one with 'backlog coord init --mission <slug>'"
                : human.toString().stripTrailing());
        return 0;
      }
      Mission m = Mission.parse(mission);
      if (recovery) {
        RecoveryReport r = coord.recoveryReport(m);
        ObjectNode n = JSON.createObjectNode();
        n.put("mission", m.handle());
        n.put("journalPending", r.journalPending());
        ArrayNode wts = n.putArray("worktrees");
        StringBuilder human =
            new StringBuilder(
                "mission "
                    + m.handle()
                    + (r.journalPending() ? " (an unfinished transaction awaits recovery)" : "")
                    + "\n");
        for (RecoveryReport.WorktreeState w : r.worktrees()) {
          ObjectNode o = wts.addObject();
          o.put("name", w.name());
          o.put("branch", w.branch());
          o.put("path", w.path().toString());
          o.put("worktreePresent", w.worktreePresent());
          o.put("registered", w.registered());
          o.put("branchPresent", w.branchPresent());
          o.put("mergeInProgress", w.mergeInProgress());
          o.put("rebaseInProgress", w.rebaseInProgress());
          o.put("dirty", w.dirty());
          o.put("ahead", w.ahead());
          o.put("behind", w.behind());
          human
              .append(w.name())
              .append(": ")
              .append(w.worktreePresent() ? "present" : "missing")
              .append(w.registered() ? ", registered" : ", not registered")
              .append(w.branchPresent() ? "" : ", branch missing")
              .append(w.mergeInProgress() ? ", merge in progress" : "")
              .append(w.rebaseInProgress() ? ", rebase in progress" : "")
              .append(w.dirty() ? ", dirty" : "")
              .append(", ahead ")
              .append(w.ahead())
              .append(", behind ")
              .append(w.behind())
              .append('\n');
        }
        emit(n, human.toString().stripTrailing());
        return 0;
      }
      MissionStatus s = coord.status(m);
      ObjectNode n = readStatus(s);
      StringBuilder human =
          new StringBuilder("mission " + s.mission() + ": " + s.events() + " events\n");
      for (Map.Entry<String, CardState> c : s.cards().entrySet()) {
        CardState st = c.getValue();
        human
            .append(c.getKey())
            .append('\t')
            .append(st.state())
            .append('\t')
            .append(st.actor())
            .append('\n');
      }
      emit(n, human.toString().stripTrailing());
      return 0;
    }
  }

  /** {@code coord merge}. */
  @Command(
      name = "merge",
      description = {
        "Merge every lane into the coordination branch, then that into the target,",
        "serialized per target; a checked-out target must be clean; conflicts abort (exit 4)."
      })
  static final class Merge extends Base {
    @Option(
        names = "--mission",
        required = true,
        paramLabel = "HANDLE",
        description = "The mission, <slug>-<id8>.")
    String mission;

    @Option(
        names = "--target",
        required = true,
        paramLabel = "BRANCH",
        description = "The branch to merge into, e.g. main.")
    String target;

    @Override
    int run(Coordinator coord) {
      MergeReport r = coord.merge(Mission.parse(mission), target);
      ObjectNode n = JSON.createObjectNode();
      n.put("mission", r.mission().handle());
      n.put("target", r.target());
      ArrayNode lanes = n.putArray("lanesMerged");
      r.lanesMerged().forEach(lanes::add);
      n.put("coordinationCommit", r.coordinationCommit());
      if (r.targetCommit().isPresent()) {
        n.put("targetCommit", r.targetCommit().get());
      } else {
        n.putNull("targetCommit");
      }
      emit(
          n,
          "merged lanes "
              + r.lanesMerged()
              + " of "
              + r.mission().handle()
              + "; "
              + r.target()
              + " "
              + r.targetCommit().map(c -> "is now " + c).orElse("already contained the mission"));
      return 0;
    }
  }

  /** {@code coord cleanup}. */
  @Command(
      name = "cleanup",
      description = "Remove lanes merged at least the grace period ago (worktree, prune, branch).")
  static final class Cleanup extends Base {
    @Option(
        names = "--mission",
        required = true,
        paramLabel = "HANDLE",
        description = "The mission, <slug>-<id8>.")
    String mission;

    @Option(
        names = "--grace",
        defaultValue = "3600",
        paramLabel = "SEC",
        description = "Seconds a merged lane is kept (default ${DEFAULT-VALUE}).")
    long grace;

    @Override
    int run(Coordinator coord) {
      if (grace < 0) {
        throw InvalidInputException.of(
            "grace", "--grace " + grace + " is negative; give seconds, 0 or more");
      }
      CleanupReport r = coord.cleanup(Mission.parse(mission), Duration.ofSeconds(grace));
      ObjectNode n = JSON.createObjectNode();
      ArrayNode removed = n.putArray("removed");
      r.removed().forEach(removed::add);
      ObjectNode kept = n.putObject("kept");
      r.kept().forEach((k, v) -> kept.put(Integer.toString(k), v));
      emit(n, "removed lanes " + r.removed() + (r.kept().isEmpty() ? "" : "; kept " + r.kept()));
      return 0;
    }
  }

  /** {@code coord doctor}. */
  @Command(
      name = "doctor",
      description = {
        "Check git, the merge drivers, mission attributes, lane sparse checkouts",
        "and unfinished transactions. Exit 0 when healthy, 4 when a check failed."
      })
  static final class Doctor extends Base {
    @Override
    int run(Coordinator coord) {
      DoctorReport r = coord.doctor();
      ObjectNode n = JSON.createObjectNode();
      n.put("healthy", r.healthy());
      ArrayNode f = n.putArray("findings");
      StringBuilder human = new StringBuilder();
      for (DoctorReport.Finding x : r.findings()) {
        ObjectNode o = f.addObject();
        o.put("check", x.check());
        o.put("ok", x.ok());
        o.put("message", x.message());
        human
            .append(x.ok() ? "ok    " : "FAIL  ")
            .append(x.check())
            .append(": ")
            .append(x.message())
            .append('\n');
      }
      emit(n, human.toString().stripTrailing());
      return r.healthy() ? 0 : ExitCodes.of(ErrorCategory.CONFLICT);
    }
  }

  static ObjectNode missionJson(Coordinator coord, Mission m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("mission", m.handle());
    n.put("slug", m.slug());
    n.put("id", m.id());
    n.put("branch", m.branch());
    n.put("worktree", coord.coordinationWorktree(m).toString());
    return n;
  }

  static ObjectNode laneJson(Lane l) {
    ObjectNode n = JSON.createObjectNode();
    n.put("mission", l.mission().handle());
    n.put("number", l.number());
    n.put("branch", l.branch());
    n.put("worktree", l.worktree().toString());
    return n;
  }

  static ObjectNode eventJson(CoordinationEvent e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", e.id());
    n.put("clock", e.clock());
    n.put("card", e.card().value());
    n.put("type", e.type());
    n.put("actor", e.actor());
    n.put("at", e.at().toString());
    if (e.lease().isPresent()) {
      n.put("lease", e.lease().get().value());
    } else {
      n.putNull("lease");
    }
    n.put("transaction", e.transaction());
    ObjectNode data = n.putObject("data");
    e.data().forEach(data::put);
    return n;
  }
}
