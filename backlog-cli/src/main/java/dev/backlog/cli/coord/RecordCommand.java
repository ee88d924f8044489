package dev.backlog.cli.coord;

import static dev.backlog.cli.coord.CoordJson.JSON;
import static dev.backlog.cli.coord.CoordJson.eventJson;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import dev.backlog.git.coordination.CommitReceipt;
import dev.backlog.git.coordination.Coordinator;
import dev.backlog.git.coordination.EventDraft;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code coord record}. */
@Command(
    name = "record",
    description = {
      "Record an event on the coordination branch in one atomic commit.",
      "A lease token older than the card's current one in the log is refused (exit 4)."
    })
final class RecordCommand extends CoordBase {
  @Option(
      names = "--mission",
      required = true,
      paramLabel = "HANDLE",
      description = "The mission: its handle, <slug>-<id8>, or a slug only one mission has.")
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
    CommitReceipt r = coord.record(coord.mission(mission), draft);
    ObjectNode n = JSON.createObjectNode();
    n.put("commit", r.commit());
    n.put("transaction", r.transaction());
    ArrayNode events = n.putArray("events");
    r.events().forEach(e -> events.add(eventJson(e)));
    emit(n, "recorded " + type + " of " + card + " as " + r.commit());
    return 0;
  }
}
