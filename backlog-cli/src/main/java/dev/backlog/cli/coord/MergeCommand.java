package dev.backlog.cli.coord;

import static dev.backlog.cli.coord.CoordJson.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.MergeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coord merge}. */
@Command(
    name = "merge",
    description = {
      "Merge every lane into the coordination branch, then that into the target.",
      "Serialized per target; a checked-out target must be clean; conflicts abort (exit 4)."
    })
final class MergeCommand extends CoordBase {
  @Option(
      names = "--mission",
      required = true,
      paramLabel = "HANDLE",
      description = "The mission: its handle, <slug>-<id8>, or a slug only one mission has.")
  String mission;

  @Option(
      names = "--target",
      required = true,
      paramLabel = "BRANCH",
      description = "The branch to merge into, e.g. main.")
  String target;

  @Override
  int run(Coordinator coord) {
    MergeReport r = coord.merge(coord.mission(mission), target);
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
        (r.lanesMerged().isEmpty()
                ? "no lane of " + r.mission().handle() + " had new commits"
                : "merged " + lanes(r.lanesMerged()) + " of " + r.mission().handle())
            + "; "
            + r.target()
            + " "
            + r.targetCommit().map(c -> "is now " + c).orElse("already contained the mission"));
    return 0;
  }
}
