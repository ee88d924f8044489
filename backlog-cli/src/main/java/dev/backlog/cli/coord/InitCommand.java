package dev.backlog.cli.coord;

import static dev.backlog.cli.coord.CoordJson.missionJson;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.InvalidInputException;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.Mission;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coord init}. */
@Command(
    name = "init",
    description = {
      "Create (or reuse) a mission's coordination branch and worktree.",
      "Also registers the event-log merge drivers in git config."
    })
final class InitCommand extends CoordBase {
  @Option(
      names = "--mission",
      required = true,
      paramLabel = "SLUG|HANDLE",
      description =
          "A slug or a mission's handle, <slug>-<id8>. A slug that one mission has reuses it; a"
              + " new slug starts a mission (an 8-character id is added).")
  String mission;

  @Option(
      names = "--new",
      description = "Start a new mission even when a mission with this slug exists.")
  boolean fresh;

  @Option(
      names = "--base",
      defaultValue = "HEAD",
      paramLabel = "REF",
      description = "Where the coordination branch starts (default ${DEFAULT-VALUE}).")
  String base;

  @Override
  int run(Coordinator coord) {
    List<Mission> missions = coord.missions();
    Mission m = existingOrNew(missions, mission);
    boolean created = !missions.contains(m);
    coord.init(m, base);
    ObjectNode n = missionJson(coord, m);
    n.put("created", created);
    emit(
        n,
        (created ? "started mission " : "reusing mission ")
            + m.handle()
            + " on branch "
            + m.branch()
            + " in "
            + coord.coordinationWorktree(m));
    return 0;
  }

  private Mission existingOrNew(List<Mission> missions, String text) {
    if (text.length() > 9 && text.charAt(text.length() - 9) == '-') {
      try {
        Mission m = Mission.parse(text);
        if (missions.contains(m)) {
          return m;
        }
      } catch (InvalidInputException e) {
        // not a handle; treat it as a slug below
      }
    }
    if (!fresh) {
      List<Mission> same = missions.stream().filter(m -> m.slug().equals(text)).toList();
      if (same.size() == 1) {
        return same.get(0);
      }
      if (same.size() > 1) {
        throw InvalidInputException.of(
            "mission",
            "mission slug '"
                + text
                + "' names "
                + same.size()
                + " missions ("
                + String.join(", ", same.stream().map(Mission::handle).toList())
                + "); give the handle of one, or --new to start another");
      }
    }
    return Mission.create(text);
  }
}
