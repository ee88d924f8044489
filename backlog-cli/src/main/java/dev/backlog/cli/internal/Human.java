package dev.backlog.cli.internal;

import dev.backlog.core.Card;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.Event;
import dev.backlog.core.Explanation;
import dev.backlog.core.Stats;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Renders cards, events and stats as readable text. Stateless and thread-safe. */
final class Human {

  private Human() {}

  /**
   * For a ready or blocked card, a line that says whether a claim can take it: its rank in claim
   * order, or what holds it back beyond the deferral and block {@link #card} already shows.
   */
  static String claimability(Card c, Function<CardId, Explanation> explain) {
    if (c.status() != CardStatus.READY && c.status() != CardStatus.BLOCKED) {
      return "";
    }
    // The card's own lines show its deferral and its block already.
    String summary = explain.apply(c.id()).summary(Set.of("deferred", "blocked"));
    return summary.isEmpty() ? "" : "\n  " + summary;
  }

  /** A card in full. */
  static String card(Card c) {
    StringBuilder sb = new StringBuilder();
    sb.append(c.id())
        .append("  ")
        .append(c.title())
        .append("  [")
        .append(c.status().wireName())
        .append(']');
    sb.append("\n  priority ").append(c.priority());
    if (c.phase() != null) {
      sb.append(", phase ").append(c.phase());
    }
    sb.append(", attempts ").append(c.attempts());
    if (c.maxAttempts() != null) {
      sb.append('/').append(c.maxAttempts());
    }
    sb.append(", version ").append(c.version());
    if (!c.dependsOn().isEmpty()) {
      sb.append("\n  depends on: ").append(ids(c.dependsOn()));
    }
    if (c.lease() != null) {
      sb.append("\n  lease: owner ")
          .append(c.lease().owner())
          .append(", token ")
          .append(c.lease().token())
          .append(", expires ")
          .append(c.lease().expiresAt());
    }
    if (c.lease() != null && c.lease().phase() != null) {
      sb.append("\n  lease phase: ").append(c.lease().phase());
    }
    if (c.lease() != null && !c.lease().attributes().isEmpty()) {
      sb.append("\n  lease attributes: ")
          .append(
              c.lease().attributes().entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(", ")));
    }
    if (c.notBefore() != null) {
      sb.append("\n  deferred until ").append(c.notBefore());
    }
    if (c.blockedReason() != null) {
      sb.append("\n  blocked: ").append(c.blockedReason());
    }
    if (c.acceptance() != null) {
      sb.append("\n  acceptance: ").append(c.acceptance());
    }
    if (c.idempotencyKey() != null) {
      sb.append("\n  idempotency key: ").append(c.idempotencyKey());
    }
    if (c.body() != null) {
      sb.append("\n  ").append(c.body().replace("\n", "\n  "));
    }
    sb.append("\n  created ").append(c.createdAt()).append(", updated ").append(c.updatedAt());
    return sb.toString();
  }

  /** Cards as a table, one line each. */
  static String cards(Collection<Card> cards) {
    if (cards.isEmpty()) {
      return "(no cards)";
    }
    int idWidth =
        Math.max(2, cards.stream().mapToInt(c -> c.id().value().length()).max().orElse(2));
    int phaseWidth =
        Math.max(
            5,
            cards.stream()
                .mapToInt(c -> c.phase() == null ? 1 : c.phase().length())
                .max()
                .orElse(5));
    String format = "%-" + idWidth + "s  %-7s  %4s  %-" + phaseWidth + "s  %s";
    StringBuilder sb =
        new StringBuilder(String.format(format, "ID", "STATUS", "PRI", "PHASE", "TITLE"));
    for (Card c : cards) {
      String title = c.title();
      if (!c.dependsOn().isEmpty()) {
        title += "  (after " + ids(c.dependsOn()) + ")";
      }
      if (c.lease() != null) {
        title += "  [" + c.lease().owner() + ", token " + c.lease().token() + "]";
      }
      sb.append('\n')
          .append(
              String.format(
                  format,
                  c.id(),
                  c.status().wireName(),
                  c.priority(),
                  c.phase() == null ? "-" : c.phase(),
                  title));
    }
    return sb.toString();
  }

  /** A claimed card with the commands to finish it. */
  static String claimed(Card c) {
    return "claimed "
        + c.id()
        + " ("
        + c.title()
        + ") for "
        + c.lease().owner()
        + ", token "
        + c.lease().token()
        + ", expires "
        + c.lease().expiresAt()
        + "\n  finish with: backlog complete "
        + c.id()
        + " --token "
        + c.lease().token();
  }

  static String ids(Collection<CardId> ids) {
    return ids.stream().map(CardId::value).collect(Collectors.joining(", "));
  }

  /** One event per line. */
  static String event(Event e) {
    return String.format(
        "%6d  %s  %-10s %-12s by %s%s  %s",
        e.seq(),
        e.at(),
        e.type().wireName(),
        e.cardId(),
        e.actor(),
        e.leaseToken() == null ? "" : " (token " + e.leaseToken() + ")",
        e.data());
  }

  static String events(List<Event> events) {
    if (events.isEmpty()) {
      return "(no events)";
    }
    return events.stream().map(Human::event).collect(Collectors.joining("\n"));
  }

  /** The stats as a few lines. */
  static String stats(Stats s) {
    StringBuilder sb = new StringBuilder();
    sb.append("total: ").append(s.total()).append('\n');
    sb.append(counts(s.counts())).append('\n');
    sb.append("claimable: ").append(s.claimable()).append('\n');
    sb.append("oldest claimable age: ")
        .append(s.oldestClaimableAge() == null ? "-" : s.oldestClaimableAge().toSeconds() + "s")
        .append('\n');
    sb.append("expired leases: ").append(s.expiredLeaseCount());
    sb.append("\ndeferred: ").append(s.deferred());
    for (Map.Entry<String, Long> phase : s.byLeasePhase().entrySet()) {
      sb.append("\nlease phase ").append(phase.getKey()).append(": ").append(phase.getValue());
    }
    for (Map.Entry<String, Map<CardStatus, Long>> phase : s.byPhase().entrySet()) {
      sb.append("\nphase ").append(phase.getKey()).append(": ").append(counts(phase.getValue()));
    }
    return sb.toString();
  }

  private static String counts(Map<CardStatus, Long> counts) {
    StringBuilder sb = new StringBuilder();
    for (CardStatus status : CardStatus.values()) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(status.wireName()).append('=').append(counts.getOrDefault(status, 0L));
    }
    return sb.toString();
  }
}
