package dev.backlog.cli.coord;

import static dev.backlog.cli.coord.CoordJson.JSON;
import static dev.backlog.cli.coord.CoordJson.laneJson;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.Lane;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code coord lane}. */
@Command(
    name = "lane",
    description = "Add, list or remove lanes.",
    subcommands = {
      LaneCommand.LaneAdd.class,
      LaneCommand.LaneList.class,
      LaneCommand.LaneRemove.class
    })
final class LaneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "a lane command is required: add, list or remove");
  }

  /** {@code coord lane add}. */
  @Command(
      name = "add",
      description = "Add a lane branch and sparse worktree parented on the coordination branch.")
  static final class LaneAdd extends CoordBase {
    @Option(
        names = "--mission",
        required = true,
        paramLabel = "HANDLE",
        description = "The mission: its handle, <slug>-<id8>, or a slug only one mission has.")
    String mission;

    @Option(
        names = "--lane",
        defaultValue = "0",
        paramLabel = "N",
        description = "Lane number (default: the next free one).")
    int lane;

    @Override
    int run(Coordinator coord) {
      Lane l = coord.addLane(coord.mission(mission), lane);
      emit(laneJson(l), "lane " + l.number() + " on " + l.branch() + " in " + l.worktree());
      return 0;
    }
  }

  /** {@code coord lane list}. */
  @Command(name = "list", description = "List a mission's lanes.")
  static final class LaneList extends CoordBase {
    @Option(
        names = "--mission",
        required = true,
        paramLabel = "HANDLE",
        description = "The mission: its handle, <slug>-<id8>, or a slug only one mission has.")
    String mission;

    @Override
    int run(Coordinator coord) {
      List<Lane> lanes = coord.lanes(coord.mission(mission));
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
  static final class LaneRemove extends CoordBase {
    @Option(
        names = "--mission",
        required = true,
        paramLabel = "HANDLE",
        description = "The mission: its handle, <slug>-<id8>, or a slug only one mission has.")
    String mission;

    @Option(names = "--lane", required = true, paramLabel = "N", description = "Lane number.")
    int lane;

    @Option(names = "--force", description = "Remove even a dirty or unmerged lane.")
    boolean force;

    @Override
    int run(Coordinator coord) {
      coord.removeLane(coord.mission(mission), lane, force);
      ObjectNode n = JSON.createObjectNode();
      n.put("removed", lane);
      emit(n, "removed lane " + lane);
      return 0;
    }
  }
}
