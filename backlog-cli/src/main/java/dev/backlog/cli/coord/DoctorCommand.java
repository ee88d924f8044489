package dev.backlog.cli.coord;

import static dev.backlog.cli.coord.CoordJson.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.cli.internal.ExitCodes;
import dev.backlog.core.ErrorCategory;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.DoctorReport;
import picocli.CommandLine.Command;

/** {@code coord doctor}. */
@Command(
    name = "doctor",
    description = {
      "Check that git coordination is healthy here.",
      "Checks git, the merge drivers, mission attributes, lane sparse checkouts and unfinished "
          + "transactions. Exit 0 when healthy, 4 when a check failed."
    })
final class DoctorCommand extends CoordBase {
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
