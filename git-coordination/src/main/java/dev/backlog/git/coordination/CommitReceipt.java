package dev.backlog.git.coordination;

import java.util.List;
import java.util.Objects;

/**
 * A committed bookkeeping transaction.
 *
 * <p>Immutable and thread-safe.
 *
 * @param commit the commit on the coordination branch
 * @param transaction the transaction id (the {@code Backlog-Transaction} trailer)
 * @param events the events it recorded
 */
public record CommitReceipt(String commit, String transaction, List<CoordinationEvent> events) {

  /** Validates the parts. */
  public CommitReceipt {
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(transaction, "transaction");
    events = List.copyOf(events);
  }
}
