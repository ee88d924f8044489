package dev.backlog.tck;

import dev.backlog.core.CardStatus;
import dev.backlog.core.EventType;
import dev.backlog.core.InvalidInputException;
import dev.backlog.core.VersionConflictException;
import dev.backlog.tck.StoreModel.MCard;
import dev.backlog.tck.StoreModel.Refusal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The model of the scheduling operations (defer, undefer, the deferral sweep, update) and of the
 * counts they add to the stats, over a {@link StoreModel}. Like the model, each method changes it
 * and returns, or throws {@link Refusal} and changes nothing.
 *
 * <p>Not thread-safe; one per property try.
 */
final class ModelScheduling {

  private final StoreModel model;

  ModelScheduling(StoreModel model) {
    this.model = model;
  }

  void defer(String id, Instant until, Instant now) {
    MCard card = model.require(id);
    if (card.status != CardStatus.READY) {
      throw ModelRefusals.invalidTransition(card, "defer");
    }
    if (!until.isAfter(now)) {
      throw new Refusal(
          "defer of " + id + " until " + until + ", not after " + now,
          List.of(InvalidInputException.class),
          e ->
              ModelRefusals.check(
                  e.getMessage().contains(until.toString()), "the instant named", e));
    }
    card.notBefore = until;
    model.changed(card, now);
    model.event(card, EventType.DEFERRED, StoreModel.ACTOR, null);
  }

  void undefer(String id, Instant now) {
    MCard card = model.require(id);
    if (card.notBefore == null) {
      return;
    }
    card.notBefore = null;
    model.changed(card, now);
    model.event(card, EventType.UNDEFERRED, StoreModel.ACTOR, null);
  }

  List<String> wakeDeferred(Instant now) {
    List<String> woken = new ArrayList<>();
    for (MCard card : model.cards.values()) {
      if (card.notBefore != null && !card.notBefore.isAfter(now)) {
        card.notBefore = null;
        model.changed(card, now);
        model.event(card, EventType.UNDEFERRED, StoreModel.ACTOR, null);
        woken.add(card.id);
      }
    }
    return woken;
  }

  /** Sets the priority and the phase (null: leave it); refuses a stale {@code ifVersion}. */
  void update(String id, Integer priority, String phase, Long ifVersion, Instant now) {
    MCard card = model.require(id);
    if (ifVersion != null && ifVersion != card.version) {
      long actual = card.version;
      throw new Refusal(
          "update of " + id + " at version " + actual + " with if-version " + ifVersion,
          List.of(VersionConflictException.class),
          e ->
              ModelRefusals.check(
                  ((VersionConflictException) e).actual() == actual,
                  "the card's version " + actual,
                  e));
    }
    int newPriority = priority != null ? priority : card.priority;
    String newPhase = phase != null ? phase : card.phase;
    if (newPriority == card.priority && Objects.equals(newPhase, card.phase)) {
      return;
    }
    card.priority = newPriority;
    card.phase = newPhase;
    model.changed(card, now);
    model.event(card, EventType.UPDATED, StoreModel.ACTOR, null);
  }

  long deferred() {
    return model.cards.values().stream()
        .filter(c -> c.status == CardStatus.READY && c.notBefore != null)
        .count();
  }

  Map<String, Long> byLeasePhase() {
    Map<String, Long> out = new TreeMap<>();
    for (MCard card : model.cards.values()) {
      if (card.status == CardStatus.CLAIMED && card.lease.phase() != null) {
        out.merge(card.lease.phase(), 1L, Long::sum);
      }
    }
    return out;
  }
}
