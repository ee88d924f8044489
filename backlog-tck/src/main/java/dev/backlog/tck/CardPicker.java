package dev.backlog.tck;

import static dev.backlog.tck.ModelOperations.CARDS;

import dev.backlog.core.CardStatus;
import dev.backlog.tck.ModelOperations.TokenChoice;
import dev.backlog.tck.StoreModel.MCard;
import java.util.List;
import java.util.function.Predicate;

/**
 * Resolves the card numbers and token choices of generated steps against the model's current cards,
 * so that most steps aim at a card for which they make sense.
 *
 * <p>Not thread-safe; reads the model of one try.
 */
final class CardPicker {

  /** The cards a lease-holder operation makes sense for. */
  static final Predicate<MCard> CLAIMED = c -> c.status == CardStatus.CLAIMED;

  private final StoreModel model;

  CardPicker(StoreModel model) {
    this.model = model;
  }

  /** The card id of number {@code card}. */
  static String id(int card) {
    return "c" + card;
  }

  /**
   * Below {@code CARDS}: the n-th (modulo) existing card that passes the filter, else the raw id;
   * from {@code CARDS} up: the raw id {@code c(n - CARDS)}.
   */
  String pick(int card, Predicate<MCard> filter) {
    if (card >= CARDS) {
      return id(card - CARDS);
    }
    List<String> fitting = model.cards.values().stream().filter(filter).map(c -> c.id).toList();
    return fitting.isEmpty() ? id(card) : fitting.get(card % fitting.size());
  }

  /**
   * Below {@code CARDS}: the first free id from c(n) on; from {@code CARDS} up: the raw id (maybe
   * taken).
   */
  String freeId(int card) {
    if (card >= CARDS) {
      return id(card - CARDS);
    }
    for (int i = 0; i < CARDS; i++) {
      String candidate = id((card + i) % CARDS);
      if (!model.cards.containsKey(candidate)) {
        return candidate;
      }
    }
    return id(card);
  }

  /**
   * The token a step presents: the current lease's, an earlier one of the card's, or one never
   * issued.
   */
  long token(String card, TokenChoice choice) {
    MCard c = model.cards.get(card);
    long neverIssued = model.maxToken + 1000;
    if (c == null || choice == TokenChoice.NEVER_ISSUED) {
      return neverIssued;
    }
    if (choice == TokenChoice.CURRENT && c.lease != null) {
      return c.lease.token();
    }
    for (int i = c.tokens.size() - 1; i >= 0; i--) {
      if (c.lease == null || c.tokens.get(i) != c.lease.token()) {
        return c.tokens.get(i);
      }
    }
    return model.maxToken > 0 ? model.maxToken : neverIssued;
  }
}
