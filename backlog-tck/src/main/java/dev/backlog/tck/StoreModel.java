package dev.backlog.tck;

import static dev.backlog.tck.ModelRefusals.check;
import static dev.backlog.tck.ModelRefusals.invalidTransition;
import static dev.backlog.tck.ModelRefusals.leaseLost;
import static dev.backlog.tck.ModelRefusals.notFound;
import static dev.backlog.tck.ModelRefusals.refuseIfAny;

import dev.backlog.core.CardStatus;
import dev.backlog.core.DependencyCycleException;
import dev.backlog.core.DuplicateCardException;
import dev.backlog.core.EventType;
import dev.backlog.core.UnknownDependencyException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A deliberately simple, independent model of the backlog semantics (DESIGN §2): plain maps and
 * lists, no shared code with any store. The stateful property checks a store against it after every
 * step. Every method either changes the model and returns, or throws {@link Refusal} describing the
 * exception the store must raise, leaving the model untouched.
 *
 * <p>Not thread-safe; one per property try.
 */
final class StoreModel {

  /** The actor the contracts' backlog writes on events. */
  static final String ACTOR = dev.backlog.core.Backlog.DEFAULT_ACTOR;

  record MLease(
      String owner,
      long token,
      Instant claimedAt,
      Instant expiresAt,
      String phase,
      TreeMap<String, String> attributes) {}

  /** An ended run: who held the lease, how it ended, what the holder last reported. */
  record MRun(
      String owner,
      long token,
      String outcome,
      String reason,
      String phase,
      TreeMap<String, String> attributes,
      String evidence) {}

  record MEvent(String card, EventType type, String actor, Long token) {}

  /** A card as the model sees it. */
  static final class MCard {
    final String id;
    String phase;
    int priority;
    Integer maxAttempts;
    Instant notBefore;
    final List<MRun> runs = new ArrayList<>();
    final Instant createdAt;
    final TreeSet<String> deps = new TreeSet<>();
    CardStatus status;
    int attempts;
    MLease lease;

    /** The expected blocked reason; {@link #ANY_REASON} when only its presence is specified. */
    String blockedReason;

    Instant updatedAt;
    long version = 1;
    final List<Long> tokens = new ArrayList<>();

    MCard(String id, String phase, int priority, Integer maxAttempts, Instant now) {
      this.id = id;
      this.phase = phase;
      this.priority = priority;
      this.maxAttempts = maxAttempts;
      this.createdAt = now;
      this.updatedAt = now;
    }
  }

  /** Marks a blocked reason whose text the design leaves to the store (poison-card protection). */
  static final String ANY_REASON = "\u0000any reason";

  /** The exception the store must raise instead of changing anything. */
  static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient List<Class<? extends RuntimeException>> accepted;
    final transient Consumer<RuntimeException> check;

    Refusal(
        String what,
        List<Class<? extends RuntimeException>> accepted,
        Consumer<RuntimeException> check) {
      super(what, null, false, false);
      this.accepted = accepted;
      this.check = check;
    }
  }

  private final int defaultMaxAttempts;
  final TreeMap<String, MCard> cards = new TreeMap<>();
  final List<MEvent> events = new ArrayList<>();
  long maxToken;

  StoreModel(int defaultMaxAttempts) {
    this.defaultMaxAttempts = defaultMaxAttempts;
  }

  // ------------------------------------------------------------------ queries

  static final Comparator<MCard> CLAIM_ORDER =
      Comparator.<MCard>comparingInt(c -> -c.priority)
          .thenComparing(c -> c.createdAt)
          .thenComparing(c -> c.id);

  boolean claimable(MCard card) {
    if (card.status != CardStatus.READY || card.notBefore != null) {
      return false;
    }
    for (String dep : card.deps) {
      if (cards.get(dep).status != CardStatus.DONE) {
        return false;
      }
    }
    return true;
  }

  List<MCard> inClaimOrder() {
    return cards.values().stream().sorted(CLAIM_ORDER).toList();
  }

  List<String> claimableIds() {
    return inClaimOrder().stream().filter(this::claimable).map(c -> c.id).toList();
  }

  Map<CardStatus, Long> counts(java.util.function.Predicate<MCard> filter) {
    Map<CardStatus, Long> counts = new EnumMap<>(CardStatus.class);
    for (CardStatus s : CardStatus.values()) {
      counts.put(s, 0L);
    }
    cards.values().stream().filter(filter).forEach(c -> counts.merge(c.status, 1L, Long::sum));
    return counts;
  }

  long expiredLeases(Instant now) {
    return cards.values().stream()
        .filter(c -> c.status == CardStatus.CLAIMED && !now.isBefore(c.lease.expiresAt))
        .count();
  }

  Duration oldestClaimableAge(Instant now) {
    return cards.values().stream()
        .filter(this::claimable)
        .map(c -> c.createdAt)
        .min(Comparator.naturalOrder())
        .map(t -> t.isAfter(now) ? Duration.ZERO : Duration.between(t, now))
        .orElse(null);
  }

  int limitOf(MCard card) {
    return card.maxAttempts != null ? card.maxAttempts : defaultMaxAttempts;
  }

  // ------------------------------------------------------------------ refusals

  MCard require(String id) {
    MCard card = cards.get(id);
    if (card == null) {
      throw notFound(id);
    }
    return card;
  }

  void checkLease(MCard card, long token, Instant now) {
    if (card.status != CardStatus.CLAIMED
        || card.lease.token != token
        || !now.isBefore(card.lease.expiresAt)) {
      throw leaseLost(card, token);
    }
  }

  void changed(MCard card, Instant now) {
    card.version++;
    card.updatedAt = now;
  }

  void event(MCard card, EventType type, String actor, Long token) {
    events.add(new MEvent(card.id, type, actor, token));
  }

  // ------------------------------------------------------------------ mutations

  void create(
      String id,
      String phase,
      int priority,
      Set<String> deps,
      Integer maxAttempts,
      boolean blocked,
      String blockedReason,
      Instant now) {
    List<Refusal> causes = new ArrayList<>();
    if (cards.containsKey(id)) {
      causes.add(
          new Refusal(
              "duplicate " + id,
              List.of(DuplicateCardException.class),
              e ->
                  check(
                      id.equals(((DuplicateCardException) e).card().value()),
                      "duplicate of " + id,
                      e)));
    }
    if (deps.contains(id)) {
      causes.add(
          new Refusal(
              "self dependency of " + id,
              List.of(DependencyCycleException.class),
              e ->
                  check(
                      ((DependencyCycleException) e)
                          .path().stream().map(c -> c.value()).toList().equals(List.of(id, id)),
                      "cycle path [" + id + ", " + id + "]",
                      e)));
    }
    Set<String> missing = new TreeSet<>(deps);
    missing.removeAll(cards.keySet());
    missing.remove(id);
    if (!missing.isEmpty()) {
      causes.add(
          new Refusal(
              "unknown dependencies " + missing,
              List.of(UnknownDependencyException.class),
              e -> {
                UnknownDependencyException u = (UnknownDependencyException) e;
                check(u.card().value().equals(id), "unknown dependency of " + id, e);
                check(
                    u.missing().stream().map(c -> c.value()).toList().equals(List.copyOf(missing)),
                    "missing " + missing,
                    e);
              }));
    }
    refuseIfAny(causes);
    MCard card = new MCard(id, phase, priority, maxAttempts, now);
    card.deps.addAll(deps);
    card.status = blocked ? CardStatus.BLOCKED : CardStatus.READY;
    card.blockedReason = blocked ? blockedReason : null;
    cards.put(id, card);
    event(card, EventType.CREATED, ACTOR, null);
  }

  /** Returns false for a repeated link (no change, no event). */
  boolean link(String from, String to, Instant now) {
    List<Refusal> causes = new ArrayList<>();
    if (!cards.containsKey(from)) {
      causes.add(notFound(from));
    }
    if (!cards.containsKey(to)) {
      causes.add(
          new Refusal(
              "link to unknown " + to,
              List.of(UnknownDependencyException.class),
              e ->
                  check(
                      ((UnknownDependencyException) e)
                          .missing().stream().map(c -> c.value()).toList().equals(List.of(to)),
                      "missing [" + to + "]",
                      e)));
    }
    refuseIfAny(causes);
    MCard card = cards.get(from);
    if (card.deps.contains(to)) {
      return false;
    }
    if (from.equals(to) || reaches(to, from)) {
      throw new Refusal(
          "link " + from + " -> " + to + " closes a cycle",
          List.of(DependencyCycleException.class),
          e ->
              checkCyclePath(
                  ((DependencyCycleException) e).path().stream().map(c -> c.value()).toList(),
                  from,
                  to,
                  e));
    }
    card.deps.add(to);
    changed(card, now);
    event(card, EventType.LINKED, ACTOR, null);
    return true;
  }

  private void checkCyclePath(List<String> path, String from, String to, RuntimeException e) {
    check(
        path.size() >= 2
            && path.get(0).equals(from)
            && path.get(1).equals(to)
            && path.get(path.size() - 1).equals(from),
        "a cycle path starting " + from + ", " + to + " and ending " + from,
        e);
    for (int i = 1; i + 1 < path.size(); i++) {
      MCard at = cards.get(path.get(i));
      check(
          at != null && at.deps.contains(path.get(i + 1)),
          "every later step of the cycle path to be an existing"
              + " dependency ("
              + path.get(i)
              + " -> "
              + path.get(i + 1)
              + ")",
          e);
    }
  }

  /** Whether {@code target} is reachable from {@code start} along dependencies. */
  private boolean reaches(String start, String target) {
    Deque<String> queue = new ArrayDeque<>(List.of(start));
    Set<String> seen = new HashSet<>(queue);
    while (!queue.isEmpty()) {
      String at = queue.poll();
      if (at.equals(target)) {
        return true;
      }
      for (String next : cards.get(at).deps) {
        if (seen.add(next)) {
          queue.add(next);
        }
      }
    }
    return false;
  }

  boolean unlink(String from, String to, Instant now) {
    MCard card = require(from);
    if (!card.deps.remove(to)) {
      return false;
    }
    changed(card, now);
    event(card, EventType.UNLINKED, ACTOR, null);
    return true;
  }

  /** The cards a claim must take, in order, without changing the model. */
  List<String> planClaim(String phase, String byId, int limit) {
    if (byId != null) {
      MCard card = require(byId);
      return claimable(card) && (phase == null || phase.equals(card.phase))
          ? List.of(byId)
          : List.of();
    }
    return inClaimOrder().stream()
        .filter(this::claimable)
        .filter(c -> phase == null || phase.equals(c.phase))
        .limit(limit)
        .map(c -> c.id)
        .toList();
  }

  void applyClaim(String id, String owner, long token, Duration ttl, Instant now) {
    applyClaim(id, owner, token, ttl, null, new TreeMap<>(), now);
  }

  void applyClaim(
      String id,
      String owner,
      long token,
      Duration ttl,
      String leasePhase,
      TreeMap<String, String> attributes,
      Instant now) {
    if (token <= maxToken) {
      throw new AssertionError(
          "lease token "
              + token
              + " for "
              + id
              + " does not exceed every earlier token ("
              + maxToken
              + ")");
    }
    maxToken = token;
    MCard card = cards.get(id);
    card.status = CardStatus.CLAIMED;
    card.attempts++;
    card.lease = new MLease(owner, token, now, now.plus(ttl), leasePhase, attributes);
    card.blockedReason = null;
    card.tokens.add(token);
    changed(card, now);
    event(card, EventType.CLAIMED, owner, token);
  }

  void renew(String id, long token, Duration ttl, Instant now) {
    renew(id, token, ttl, null, new TreeMap<>(), now);
  }

  void renew(
      String id,
      long token,
      Duration ttl,
      String phase,
      TreeMap<String, String> attributes,
      Instant now) {
    MCard card = require(id);
    checkLease(card, token, now);
    TreeMap<String, String> merged = new TreeMap<>(card.lease.attributes);
    merged.putAll(attributes);
    if (merged.size() > dev.backlog.core.Lease.MAX_ATTRIBUTES) {
      throw new Refusal(
          "renew of " + id + " to " + merged.size() + " attributes",
          List.of(dev.backlog.core.InvalidInputException.class),
          e -> check(e.getMessage().contains("at most 16"), "the limit named", e));
    }
    card.lease =
        new MLease(
            card.lease.owner,
            token,
            card.lease.claimedAt,
            now.plus(ttl),
            phase != null ? phase : card.lease.phase,
            merged);
    changed(card, now);
    event(card, EventType.RENEWED, ACTOR, token);
  }

  void complete(String id, long token, Instant now) {
    complete(id, token, null, now);
  }

  void complete(String id, long token, String evidence, Instant now) {
    MCard card = require(id);
    checkLease(card, token, now);
    endRun(card, "completed", null, evidence);
    card.status = CardStatus.DONE;
    card.lease = null;
    changed(card, now);
    event(card, EventType.COMPLETED, ACTOR, token);
  }

  /** All or none: every lease is checked before any card changes. */
  void completeAll(List<String> ids, List<Long> tokens, Instant now) {
    for (int i = 0; i < ids.size(); i++) {
      checkLease(require(ids.get(i)), tokens.get(i), now);
    }
    for (int i = 0; i < ids.size(); i++) {
      complete(ids.get(i), tokens.get(i), now);
    }
  }

  void release(String id, long token, Instant now) {
    MCard card = require(id);
    checkLease(card, token, now);
    endRun(card, "released", null, null);
    card.status = CardStatus.READY;
    card.lease = null;
    changed(card, now);
    event(card, EventType.RELEASED, ACTOR, token);
  }

  void fail(String id, long token, Instant now) {
    MCard card = require(id);
    checkLease(card, token, now);
    endRun(card, "failed", "failed in step", null);
    if (card.attempts >= limitOf(card)) {
      card.status = CardStatus.BLOCKED;
      card.blockedReason = ANY_REASON;
    } else {
      card.status = CardStatus.READY;
    }
    card.lease = null;
    changed(card, now);
    event(card, EventType.FAILED, ACTOR, token);
  }

  List<String> reclaimExpired(Instant now) {
    List<String> lapsed = new ArrayList<>();
    for (MCard card : cards.values()) {
      if (card.status == CardStatus.CLAIMED && !now.isBefore(card.lease.expiresAt)) {
        long token = card.lease.token;
        endRun(card, "lapsed", card.attempts >= limitOf(card) ? ANY_REASON : null, null);
        if (card.attempts >= limitOf(card)) {
          card.status = CardStatus.BLOCKED;
          card.blockedReason = ANY_REASON;
        } else {
          card.status = CardStatus.READY;
        }
        card.lease = null;
        changed(card, now);
        event(card, EventType.RECLAIMED, ACTOR, token);
        lapsed.add(card.id);
      }
    }
    return lapsed;
  }

  void reclaim(String id, Instant now) {
    MCard card = require(id);
    if (card.status != CardStatus.CLAIMED) {
      throw invalidTransition(card, "reclaim");
    }
    long token = card.lease.token;
    endRun(card, now.isBefore(card.lease.expiresAt) ? "revoked" : "lapsed", null, null);
    card.status = CardStatus.READY;
    card.lease = null;
    changed(card, now);
    event(card, EventType.RECLAIMED, ACTOR, token);
  }

  void block(String id, String reason, Instant now) {
    MCard card = require(id);
    if (card.status != CardStatus.READY && card.status != CardStatus.CLAIMED) {
      throw invalidTransition(card, "block");
    }
    endRun(card, "revoked", reason, null);
    card.notBefore = null;
    card.status = CardStatus.BLOCKED;
    card.lease = null;
    card.blockedReason = reason;
    changed(card, now);
    event(card, EventType.BLOCKED, ACTOR, null);
  }

  void unblock(String id, Instant now) {
    MCard card = require(id);
    if (card.status != CardStatus.BLOCKED) {
      throw invalidTransition(card, "unblock");
    }
    card.status = CardStatus.READY;
    card.attempts = 0;
    card.blockedReason = null;
    changed(card, now);
    event(card, EventType.UNBLOCKED, ACTOR, null);
  }

  void reopen(String id, Instant now) {
    MCard card = require(id);
    if (card.status != CardStatus.DONE) {
      throw invalidTransition(card, "reopen");
    }
    card.status = CardStatus.READY;
    card.attempts = 0;
    changed(card, now);
    event(card, EventType.REOPENED, ACTOR, null);
  }

  void forceComplete(String id, Instant now) {
    MCard card = require(id);
    if (card.status == CardStatus.DONE) {
      throw invalidTransition(card, "force-complete");
    }
    endRun(card, "force-completed", null, null);
    card.notBefore = null;
    card.status = CardStatus.DONE;
    card.lease = null;
    card.blockedReason = null;
    changed(card, now);
    event(card, EventType.COMPLETED, ACTOR, null);
  }

  /** Ends the run of the card's lease, when it holds one. */
  void endRun(MCard card, String outcome, String reason, String evidence) {
    if (card.lease != null) {
      card.runs.add(
          new MRun(
              card.lease.owner,
              card.lease.token,
              outcome,
              reason,
              card.lease.phase,
              card.lease.attributes,
              evidence));
    }
  }

  /** Per phase (cards without one left out), the status counts. */
  Map<String, Map<CardStatus, Long>> byPhase() {
    Map<String, Map<CardStatus, Long>> out = new LinkedHashMap<>();
    cards.values().stream()
        .map(c -> c.phase)
        .filter(Objects::nonNull)
        .distinct()
        .sorted()
        .forEach(p -> out.put(p, counts(c -> p.equals(c.phase))));
    return out;
  }
}
