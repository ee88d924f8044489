package dev.backlog.tck;

import static dev.backlog.tck.ModelChecks.equal;

import dev.backlog.core.CardId;
import dev.backlog.core.Event;
import dev.backlog.core.EventType;
import dev.backlog.core.Lease;
import dev.backlog.core.Run;
import dev.backlog.core.RunOutcome;
import dev.backlog.tck.StoreModel.MCard;
import dev.backlog.tck.StoreModel.MRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The assertions about attempt history: a card's runs against the model's, and against the card's
 * event stream (each claimed event opens a run, the event that takes the lease away ends it with
 * the matching outcome).
 *
 * <p>Stateless.
 */
final class SchedulingChecks {

  private SchedulingChecks() {}

  /** The store's runs of a card match the model's ended runs, then its open lease. */
  static void compareHistory(MCard card, List<Run> actual) {
    List<MRun> expected = new ArrayList<>(card.runs);
    int open = card.lease == null ? 0 : 1;
    equal(expected.size() + open, actual.size(), "card " + card.id + " run count");
    for (int i = 0; i < expected.size(); i++) {
      MRun e = expected.get(i);
      Run a = actual.get(i);
      String what = "card " + card.id + " run " + (i + 1);
      equal(e.owner(), a.owner(), what + " owner");
      equal(e.token(), a.token().value(), what + " token");
      equal(e.outcome(), a.outcome() == null ? null : a.outcome().wireName(), what + " outcome");
      if (StoreModel.ANY_REASON.equals(e.reason())) {
        if (a.reason() == null || a.reason().isBlank()) {
          throw new AssertionError(what + ": a run that blocked the card must say why");
        }
      } else {
        equal(e.reason(), a.reason(), what + " reason");
      }
      equal(e.phase(), a.phase(), what + " lease phase");
      equal(e.attributes(), a.attributes(), what + " lease attributes");
      equal(e.evidence(), a.evidence(), what + " evidence");
      if (a.endedAt() == null || a.endedAt().isBefore(a.claimedAt())) {
        throw new AssertionError(what + " ended at " + a.endedAt() + " before its claim");
      }
    }
    if (open == 1) {
      Run a = actual.get(actual.size() - 1);
      String what = "card " + card.id + " open run";
      equal(null, a.outcome(), what + " outcome");
      equal(card.lease.token(), a.token().value(), what + " token");
      equal(card.lease.phase(), a.phase(), what + " lease phase");
      equal(card.lease.attributes(), a.attributes(), what + " lease attributes");
    }
  }

  /**
   * The runs agree with the card's events: one run per {@code claimed} event, in order, with its
   * token, owner and claim time; each ended run ended by the event that took its lease away, with
   * that event's time, the outcome it implies, and the evidence the {@code completed} event
   * carries; the last lease phase and attributes as the last {@code claimed} or {@code renewed}
   * event of the lease reported them.
   */
  static void historyAgreesWithEvents(CardId id, List<Run> runs, List<Event> events) {
    List<Event> claims = new ArrayList<>();
    List<Event> endings = new ArrayList<>();
    List<Event> reports = new ArrayList<>();
    Event open = null;
    Event lastReport = null;
    for (Event e : events) {
      if (e.type() == EventType.CLAIMED) {
        open = e;
        lastReport = e;
        claims.add(e);
      } else if (open != null && e.type() == EventType.RENEWED) {
        lastReport = e;
      } else if (open != null && endsLease(e)) {
        endings.add(e);
        reports.add(lastReport);
        open = null;
      }
    }
    if (open != null) {
      reports.add(lastReport);
    }
    equal(claims.size(), runs.size(), "card " + id + ": runs, one per claimed event");
    for (int i = 0; i < runs.size(); i++) {
      Run run = runs.get(i);
      Event claim = claims.get(i);
      String what = "card " + id + " run " + (i + 1);
      equal(claim.leaseToken(), run.token(), what + " token (claimed event)");
      equal(claim.actor(), run.owner(), what + " owner (claimed event)");
      equal(claim.at(), run.claimedAt(), what + " claimedAt (claimed event)");
      Event report = reports.get(i);
      checkReported(report.data(), run, what);
      if (i < endings.size()) {
        Event end = endings.get(i);
        equal(end.at(), run.endedAt(), what + " endedAt (" + end.type().wireName() + " event)");
        equal(outcome(end), run.outcome(), what + " outcome (" + end.type().wireName() + ")");
        if (run.evidence() != null && !end.data().contains("\"evidence\":" + run.evidence())) {
          throw new AssertionError(
              what + " evidence " + run.evidence() + " is not in the completed event " + end);
        }
      } else {
        equal(null, run.outcome(), what + " (open: no event ended it)");
      }
    }
  }

  private static boolean endsLease(Event e) {
    return switch (e.type()) {
      case COMPLETED, RELEASED, FAILED, RECLAIMED, BLOCKED -> true;
      default -> false;
    };
  }

  private static RunOutcome outcome(Event e) {
    return switch (e.type()) {
      case COMPLETED ->
          e.data().contains("\"forced\":true") ? RunOutcome.FORCE_COMPLETED : RunOutcome.COMPLETED;
      case RELEASED -> RunOutcome.RELEASED;
      case FAILED -> RunOutcome.FAILED;
      case RECLAIMED ->
          e.data().contains("\"expired\":true") ? RunOutcome.LAPSED : RunOutcome.REVOKED;
      case BLOCKED -> RunOutcome.REVOKED;
      default -> throw new IllegalArgumentException("does not end a lease: " + e);
    };
  }

  /** The run's phase and attributes are the ones the last claimed or renewed event carried. */
  private static void checkReported(String data, Run run, String what) {
    String phase = run.phase() == null ? null : ",\"phase\":" + quote(run.phase());
    String attributes = Lease.attributesJson(run.attributes());
    boolean phaseOk = phase == null ? !data.contains(",\"phase\":") : data.contains(phase);
    boolean attributesOk =
        attributes == null
            ? !data.contains("\"attributes\":")
            : data.contains("\"attributes\":" + attributes);
    if (!phaseOk || !attributesOk) {
      throw new AssertionError(
          what
              + " reports lease phase "
              + run.phase()
              + " and attributes "
              + run.attributes()
              + ", but the last claimed or renewed event said "
              + data);
    }
  }

  private static String quote(String s) {
    return "\"" + Objects.requireNonNull(s).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
