package dev.backlog.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Why a card is or is not claimable: the reasons that keep it from the next claim, and for a
 * claimable card its rank in claim order (1 = the next claim without a phase filter takes it).
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the card
 * @param claimable whether a claim could take it now
 * @param reasons why not; empty exactly when claimable
 * @param rank the 1-based position in claim order among claimable cards, or null when not claimable
 * @param priority the first ordering key (descending)
 * @param createdAt the second ordering key (ascending)
 */
public record Explanation(
    CardId id,
    boolean claimable,
    List<Reason> reasons,
    Long rank,
    int priority,
    Instant createdAt) {

  /** Checks that a card is claimable exactly when nothing holds it back. */
  public Explanation {
    Objects.requireNonNull(id, "id");
    reasons = List.copyOf(reasons);
    if (claimable != reasons.isEmpty()) {
      throw new IllegalArgumentException("a card is claimable exactly when it has no reasons");
    }
    if (claimable != (rank != null)) {
      throw new IllegalArgumentException("a rank belongs to a claimable card");
    }
  }

  /**
   * One thing that keeps a card from being claimed.
   *
   * @param kind {@code unmet-dependency}, {@code blocked}, {@code leased}, {@code deferred}, {@code
   *     done} or {@code attempts-exhausted}
   * @param card the dependency, for {@code unmet-dependency}; else null
   * @param status the dependency's status, for {@code unmet-dependency}; else null
   * @param detail the blocked reason, or the lease owner; else null
   * @param until the lease expiry or the end of the deferral; else null
   * @param attempts the attempts made, for {@code attempts-exhausted}; else null
   * @param maxAttempts the limit, for {@code attempts-exhausted}; else null
   */
  public record Reason(
      String kind,
      CardId card,
      CardStatus status,
      String detail,
      Instant until,
      Integer attempts,
      Integer maxAttempts) {

    /** Checks the kind is present. */
    public Reason {
      Objects.requireNonNull(kind, "kind");
    }

    /**
     * The reason as a person reads it, such as {@code waits for A1, which is claimed} or {@code
     * deferred until 2026-12-07T10:00:00Z}.
     */
    public String text() {
      return switch (kind) {
        case "unmet-dependency" ->
            "waits for "
                + card
                + (status == null ? ", which does not exist" : ", which is " + status.wireName());
        case "blocked" -> detail == null ? "blocked (no reason given)" : "blocked: " + detail;
        case "leased" -> "claimed by " + detail + " until " + until;
        case "deferred" -> "deferred until " + until;
        case "done" -> "done already";
        case "attempts-exhausted" -> "used " + attempts + " of " + maxAttempts + " attempts";
        default -> kind;
      };
    }
  }

  /**
   * One line that says whether a claim can take the card, as {@code show} and {@code show_card} end
   * a card with it: {@code claimable: rank 3 in claim order}; for a claimed card who holds it
   * ({@code claimed by agent-1 until …}); else {@code waiting: } and what it waits for ({@code
   * waiting: waits for A, which is ready; deferred until …}). Reasons whose kind is in {@code
   * omitted} are left out (a caller that already shows the card's deferral, say); empty when
   * nothing is left to say.
   */
  public String summary(Set<String> omitted) {
    if (claimable) {
      return "claimable: rank " + rank + " in claim order";
    }
    List<String> texts = new ArrayList<>();
    boolean held = false;
    for (Reason r : reasons) {
      if (!omitted.contains(r.kind())) {
        texts.add(r.text());
        held |= r.kind().equals("leased") || r.kind().equals("done");
      }
    }
    if (texts.isEmpty()) {
      return "";
    }
    return (held ? "" : "waiting: ") + String.join("; ", texts);
  }

  /**
   * Explains a card from its state and its dependencies' statuses.
   *
   * @param card the card
   * @param dependencies the status of each dependency (a missing one counts as unmet)
   * @param defaultMaxAttempts the backlog's attempt limit for cards without their own
   * @param rank computes the rank of a card found claimable
   */
  public static Explanation of(
      Card card,
      Map<CardId, CardStatus> dependencies,
      int defaultMaxAttempts,
      Function<Card, Long> rank) {
    List<Reason> reasons = new ArrayList<>();
    switch (card.status()) {
      case DONE -> reasons.add(new Reason("done", null, null, null, null, null, null));
      case CLAIMED ->
          reasons.add(
              new Reason(
                  "leased",
                  null,
                  null,
                  card.lease().owner(),
                  card.lease().expiresAt(),
                  null,
                  null));
      case BLOCKED -> {
        int max = card.maxAttempts() != null ? card.maxAttempts() : defaultMaxAttempts;
        if (card.attempts() >= max) {
          reasons.add(
              new Reason("attempts-exhausted", null, null, null, null, card.attempts(), max));
        }
        reasons.add(new Reason("blocked", null, null, card.blockedReason(), null, null, null));
      }
      case READY -> {
        if (card.notBefore() != null) {
          reasons.add(new Reason("deferred", null, null, null, card.notBefore(), null, null));
        }
      }
    }
    for (CardId dep : card.dependsOn()) {
      CardStatus status = dependencies.get(dep);
      if (status != CardStatus.DONE) {
        reasons.add(new Reason("unmet-dependency", dep, status, null, null, null, null));
      }
    }
    boolean claimable = reasons.isEmpty();
    return new Explanation(
        card.id(),
        claimable,
        reasons,
        claimable ? rank.apply(card) : null,
        card.priority(),
        card.createdAt());
  }
}
