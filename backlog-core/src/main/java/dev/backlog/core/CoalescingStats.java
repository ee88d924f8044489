package dev.backlog.core;

/**
 * How much a {@link Backlog} coalesced its single-card calls since it was built: a snapshot, for
 * monitoring and tests ({@link Backlog#coalescingStats()}). All zero when coalescing is off.
 *
 * @param claims the coalescing of {@link Backlog#claim} calls
 * @param completions the coalescing of {@link Backlog#complete} calls
 */
public record CoalescingStats(Group claims, Group completions) {

  /**
   * One kind of call.
   *
   * @param transactions store transactions run for calls of this kind
   * @param calls calls served by those transactions
   * @param shared transactions that served more than one call
   * @param largest the most calls one transaction served
   * @param waiting calls queued behind the transaction in flight right now
   */
  public record Group(long transactions, long calls, long shared, int largest, int waiting) {

    /** Nothing coalesced yet. */
    public static final Group NONE = new Group(0, 0, 0, 0, 0);
  }
}
