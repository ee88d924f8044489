package dev.backlog.cli.coord;

import static dev.backlog.cli.coord.CoordJson.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.cli.internal.SecondsConverter;
import dev.backlog.core.InvalidInputException;
import dev.backlog.git.coordination.CleanupReport;
import dev.backlog.git.coordination.Coordinator;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coord cleanup}. */
@Command(
    name = "cleanup",
    description = "Remove lanes merged at least the grace period ago (worktree, prune, branch).")
final class CleanupCommand extends CoordBase {
  @Option(
      names = "--mission",
      required = true,
      paramLabel = "HANDLE",
      description = "The mission: its handle, <slug>-<id8>, or a slug only one mission has.")
  String mission;

  @Option(
      names = "--grace",
      defaultValue = "3600",
      paramLabel = "SEC",
      converter = SecondsConverter.class,
      description =
          "How long a merged lane is kept: seconds, or 90s, 30m, 2h, 1d (default"
              + " ${DEFAULT-VALUE}).")
  long grace;

  @Override
  int run(Coordinator coord) {
    if (grace < 0) {
      throw InvalidInputException.of(
          "grace", "--grace " + grace + " is negative; give seconds, 0 or more");
    }
    CleanupReport r = coord.cleanup(coord.mission(mission), Duration.ofSeconds(grace));
    ObjectNode n = JSON.createObjectNode();
    ArrayNode removed = n.putArray("removed");
    r.removed().forEach(removed::add);
    ObjectNode kept = n.putObject("kept");
    r.kept().forEach((k, v) -> kept.put(Integer.toString(k), v));
    StringBuilder human =
        new StringBuilder(
            r.removed().isEmpty() ? "removed no lanes" : "removed " + lanes(r.removed()));
    r.kept().forEach((k, v) -> human.append("\nkept lane ").append(k).append(": ").append(v));
    emit(n, human.toString());
    return 0;
  }
}
