package dev.backlog.jdbc.internal;

/**
 * A statement that was its transaction's only one and committed with it (auto-commit), as a later
 * attempt of the same transaction needs to know it. When the statement's answer was lost with its
 * connection, or the transaction failed after it, the engine runs the work again; the operation
 * then looks up what the statement did ({@link PostgresLostAnswers}) instead of running it a second
 * time.
 *
 * @param operation which operation ran it
 * @param key the key its claim events carry (a batch's request {@code i}, from 1, carries {@code
 *     key + i}); random, so no two statements' ranges meet; 0 for a completion, whose events are
 *     found by card and lease token
 * @param eventFloor the highest event seq the store had seen before the statement was sent: every
 *     event the statement wrote has a higher one, as seqs are drawn in the order of time
 * @param serverProcess the database server process that ran it (0 when unknown): a lookup waits
 *     until that process has ended or gone idle, so the statement can no longer commit behind it
 */
record SoleStatement(Operation operation, long key, long eventFloor, int serverProcess) {

  /** The operations whose statement may commit on its own. */
  enum Operation {
    /** One claim request ({@link SqlDialect#claim}). */
    CLAIM(true),
    /** A run of claim requests with one filter ({@link SqlDialect#claimEach}). */
    CLAIM_EACH(true),
    /** One completion of a held lease ({@link SqlDialect#completeHeld}). */
    COMPLETE(false),
    /** A batch of completions of held leases ({@link SqlDialect#completeHeldEach}). */
    COMPLETE_EACH(false);

    private final boolean keyed;

    Operation(boolean keyed) {
      this.keyed = keyed;
    }

    /** Whether the statement's events carry its key. */
    boolean keyed() {
      return keyed;
    }
  }
}
