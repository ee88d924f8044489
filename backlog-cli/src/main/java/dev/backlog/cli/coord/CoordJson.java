package dev.backlog.cli.coord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.git.coordination.CoordinationEvent;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.Lane;
import dev.backlog.git.coordination.Mission;
import dev.backlog.git.coordination.MissionStatus;

/** The JSON shapes the coord subcommands print. */
final class CoordJson {

  static final ObjectMapper JSON = new ObjectMapper();

  private CoordJson() {}

  /** The mission status as the JSON object that {@code status.json} holds. */
  static ObjectNode readStatus(MissionStatus status) {
    try {
      return (ObjectNode) JSON.readTree(status.toJson());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "status.json of " + status.mission() + " could not be read back", e);
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
