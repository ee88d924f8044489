package dev.backlog.cli.coord;

import static dev.backlog.cli.coord.CoordJson.missionJson;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.InvalidInputException;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.GitCoordinationException;
import dev.backlog.git.coordination.GitErrorCode;
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
    Mission m = existingOrNew(coord, missions);
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

  /**
   * The mission {@code --mission} names as {@link Coordinator#mission} resolves it, when it exists;
   * otherwise (or with {@code --new}) a new mission with the text as its slug.
   */
  private Mission existingOrNew(Coordinator coord, List<Mission> missions) {
    if (fresh) {
      return Mission.create(mission);
    }
    Mission found;
    try {
      found = coord.mission(mission);
    } catch (GitCoordinationException e) {
      if (e.code() != GitErrorCode.MISSION_NOT_FOUND) {
        throw e;
      }
      return Mission.create(mission); // a slug no mission has yet
    } catch (InvalidInputException e) {
      if (!Mission.isSlug(mission)) {
        return Mission.create(mission); // refuses the slug, saying what a slug is
      }
      throw InvalidInputException.of(
          "mission", e.violations().get(0).message() + ", or --new to start another");
    }
    return missions.contains(found) ? found : Mission.create(mission);
  }
}
