package dev.backlog.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lapsed-lease sweep a {@link Backlog} runs in front of a claim: at most once per interval, in
 * the claim's own transaction (so a card whose lease just lapsed can be claimed again at once, and
 * a one-shot claim costs one transaction). Without a sweep due, the claim is a single operation of
 * its transaction ({@link Backlog#inSingleOperation}).
 *
 * <p>Thread-safe: one claim at a time wins a due sweep.
 */
final class LeaseSweep {

  // Under Backlog's name, where the line was logged before the sweep moved here, so that logging
  // configurations that name it still match.
  private static final Logger LOG = LoggerFactory.getLogger(Backlog.class);

  private final Backlog backlog;
  private final InstantSource clock;
  private final Duration interval;
  private final AtomicReference<Instant> last = new AtomicReference<>(Instant.MIN);

  /**
   * @param backlog the backlog whose transactions run the sweep and the claims
   * @param clock the clock that paces the sweep
   * @param interval how often, at most, a claim sweeps first; null never
   */
  LeaseSweep(Backlog backlog, InstantSource clock, Duration interval) {
    this.backlog = backlog;
    this.clock = clock;
    this.interval = interval;
  }

  /**
   * One transaction: the sweep of lapsed leases when it is due, then the work (one claim, or one
   * coalesced batch of claims: without a sweep it is a single operation).
   */
  <T> T then(TransactionWork<T> work) {
    Instant now = interval == null ? null : clock.instant();
    Instant before = last.get();
    if (now == null || before.plus(interval).isAfter(now) || !last.compareAndSet(before, now)) {
      return backlog.inSingleOperation(work);
    }
    List<CardId> reclaimed = new ArrayList<>();
    T claims;
    try {
      claims =
          backlog.inTransaction(
              tx -> {
                // The store may retry the transaction; keep only the last attempt's sweep.
                reclaimed.clear();
                reclaimed.addAll(tx.reclaimExpired());
                reclaimed.addAll(tx.wakeDeferred());
                return work.run(tx);
              });
    } catch (RuntimeException | Error e) {
      // The sweep was rolled back with the claim: let the next claim sweep again.
      last.compareAndSet(now, before);
      throw e;
    }
    if (!reclaimed.isEmpty()) {
      LOG.info(
          "reclaimed lapsed leases and lifted run-out deferrals of {} card(s): {}",
          reclaimed.size(),
          reclaimed);
    }
    return claims;
  }
}
