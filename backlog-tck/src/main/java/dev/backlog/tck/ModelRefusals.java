package dev.backlog.tck;

import dev.backlog.core.CardNotFoundException;
import dev.backlog.core.CardStatus;
import dev.backlog.core.InvalidTransitionException;
import dev.backlog.core.LeaseLostException;
import dev.backlog.tck.StoreModel.MCard;
import dev.backlog.tck.StoreModel.Refusal;
import java.util.ArrayList;
import java.util.List;

/**
 * The refusals {@link StoreModel} predicts, with the checks of the exception a store must raise.
 *
 * <p>Stateless.
 */
final class ModelRefusals {

  private ModelRefusals() {}

  static Refusal notFound(String id) {
    return new Refusal(
        "card " + id + " not found",
        List.of(CardNotFoundException.class),
        e ->
            check(
                id.equals(((CardNotFoundException) e).card().value()),
                "CardNotFoundException names " + id,
                e));
  }

  static Refusal invalidTransition(MCard card, String op) {
    return new Refusal(
        op + " of " + card.status + " card " + card.id,
        List.of(InvalidTransitionException.class),
        e ->
            check(
                ((InvalidTransitionException) e).current() == card.status
                    && e.getMessage().contains(card.status.wireName()),
                "InvalidTransitionException names status " + card.status,
                e));
  }

  static Refusal leaseLost(MCard card, long token) {
    CardStatus status = card.status;
    return new Refusal(
        "lease " + token + " of " + status + " card " + card.id + " is not valid",
        List.of(LeaseLostException.class),
        e -> {
          LeaseLostException lost = (LeaseLostException) e;
          check(lost.status() == status, "LeaseLostException carries status " + status, e);
          check(
              lost.presented().value() == token,
              "LeaseLostException carries the presented token " + token,
              e);
        });
  }

  static void check(boolean ok, String expectation, RuntimeException actual) {
    if (!ok) {
      throw new AssertionError("expected " + expectation + ", got " + actual, actual);
    }
  }

  /** Several simultaneous causes: the store may report any one of them. */
  static void refuseIfAny(List<Refusal> causes) {
    if (causes.size() == 1) {
      throw causes.get(0);
    }
    if (causes.size() > 1) {
      List<Class<? extends RuntimeException>> accepted = new ArrayList<>();
      causes.forEach(c -> accepted.addAll(c.accepted));
      throw new Refusal(
          "any of " + causes.stream().map(Throwable::getMessage).toList(),
          accepted,
          e -> {
            for (Refusal cause : causes) {
              if (cause.accepted.stream().anyMatch(t -> t.isInstance(e))) {
                cause.check.accept(e);
                return;
              }
            }
          });
    }
  }
}
