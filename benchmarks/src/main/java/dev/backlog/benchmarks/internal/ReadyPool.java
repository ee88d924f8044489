package dev.backlog.benchmarks.internal;

import dev.backlog.core.Backlog;
import dev.backlog.core.CardId;
import dev.backlog.core.CardStatus;
import dev.backlog.core.NewCard;

/**
 * Keeps a backlog's ready cards at a size between timed rounds: a warm-up or a round claims from
 * the pool the next round measures, and a fast machine could otherwise empty it, leaving a round
 * that measures workers finding nothing. {@link #topUp} creates the missing cards through the
 * library (so every count and event stays right), outside the rounds' timing.
 *
 * <p>Not thread-safe: call it between rounds.
 */
final class ReadyPool {

  /** Cards created per transaction. */
  private static final int BATCH = 2_000;

  private final Backlog backlog;
  private final int size;
  private final String prefix;
  private long next;

  /**
   * A pool of {@code size} ready cards in {@code backlog}; new cards get ids {@code prefix} and a
   * number, which no other card of the backlog may start with.
   */
  ReadyPool(Backlog backlog, int size, String prefix) {
    this.backlog = backlog;
    this.size = size;
    this.prefix = prefix;
  }

  /** Creates as many ready cards as the pool lacks of its size; returns how many. */
  int topUp() {
    int missing = (int) Math.max(0, size - backlog.stats().count(CardStatus.READY));
    for (int done = 0; done < missing; done += BATCH) {
      int count = Math.min(BATCH, missing - done);
      backlog.inTransaction(
          tx -> {
            for (int i = 0; i < count; i++) {
              long n = next++;
              tx.create(
                  NewCard.builder(CardId.of(Workers.id(prefix, n))).title("pool " + n).build());
            }
            return null;
          });
    }
    return missing;
  }
}
