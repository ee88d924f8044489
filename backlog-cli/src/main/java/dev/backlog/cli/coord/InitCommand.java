package dev.backlog.cli.coord;

import static dev.backlog.cli.coord.CoordJson.missionJson;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.InvalidInputException;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.Mission;
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
