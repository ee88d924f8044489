package dev.backlog.core;

import dev.backlog.core.internal.GroupCommit;
import dev.backlog.core.spi.Completion;
import dev.backlog.core.spi.Outcome;
import java.util.List;

/**
 * Coalesces a {@link Backlog}'s concurrent single-card claims and completions into shared store
 * transactions ({@link GroupCommit}). A call that finds no transaction of its kind in flight runs
 * alone, exactly as without coalescing; calls that queue behind one share the next. A batch of
 * claims sweeps lapsed leases once, then claims for each request in turn ({@link
 * dev.backlog.core.spi.StoreTransaction#claimEach}); a batch of completions completes each in
 * arrival order ({@link dev.backlog.core.spi.StoreTransaction#completeEach}), a refusal failing
 * only its own call.
 *
 * <p>Thread-safe.
 */
final class Coalescer {

  private final Backlog backlog;
  private final GroupCommit<ClaimRequest, List<Claim>> claims;
  private final GroupCommit<Completion, Card> completions;

  Coalescer(Backlog backlog, int maxBatch, int maxInFlight) {
    this.backlog = backlog;
    this.claims = new GroupCommit<>(maxBatch, maxInFlight, this::claimBatch);
    this.completions = new GroupCommit<>(maxBatch, maxInFlight, this::completeBatch);
  }

  List<Claim> claim(ClaimRequest request) throws InterruptedException {
    return claims.submit(request);
  }

  Card complete(Completion completion) throws InterruptedException {
    return completions.submit(completion);
  }

  CoalescingStats stats() {
    return new CoalescingStats(claims.stats(), completions.stats());
  }

  private List<Outcome<List<Claim>>> claimBatch(List<ClaimRequest> requests) {
    if (requests.size() == 1) {
      return List.of(Outcome.of(backlog.sweepThen(tx -> tx.claim(requests.get(0)))));
    }
    return backlog.sweepThen(tx -> ((BacklogTx) tx).claimEach(requests));
  }

  private List<Outcome<Card>> completeBatch(List<Completion> items) {
    if (items.size() == 1) {
      Completion c = items.get(0);
      return List.of(
          Outcome.of(
              backlog.inSingleOperation(
                  tx ->
                      c.evidence() == null
                          ? tx.complete(c.id(), c.token())
                          : tx.complete(c.id(), c.token(), c.evidence()))));
    }
    // In arrival order, so the batch behaves as the calls would one after the other.
    return backlog.inSingleOperation(tx -> ((BacklogTx) tx).completeEach(items));
  }
}
