package dev.backlog.cli.coord;

import static dev.backlog.cli.coord.CoordJson.JSON;
import static dev.backlog.cli.coord.CoordJson.missionJson;
import static dev.backlog.cli.coord.CoordJson.readStatus;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.git.coordination.CardState;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.Mission;
import dev.backlog.git.coordination.MissionStatus;
import dev.backlog.git.coordination.RecoveryReport;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coord status}. */
@Command(
    name = "status",
    description = {
      "List missions, or show one mission's status.",
      "Without --mission: list missions. With it: the materialized status, or with --recovery the "
          + "state of its worktrees and branches."
    })
final class StatusCommand extends CoordBase {
  @Option(
      names = "--mission",
      paramLabel = "HANDLE",
      description = "The mission: its handle, <slug>-<id8>, or a slug only one mission has.")
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
    Mission m = coord.mission(mission);
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
        new StringBuilder(
            "mission "
                + s.mission()
                + ": "
                + s.events()
                + (s.events() == 1 ? " event\n" : " events\n"));
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
