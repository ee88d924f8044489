package dev.backlog.core.spi;

import dev.backlog.core.CardId;
import dev.backlog.core.LeaseToken;
import java.util.Objects;

/**
 * One completion in a coalesced batch ({@link StoreTransaction#completeEach}): the card, the token
 * of the lease its caller holds and the evidence to keep (a compact JSON object, validated by the
 * caller, or null).
 *
 * @param id the card to complete
 * @param token the token of the caller's lease
 * @param evidence compact JSON evidence, or null for none
 */
public record Completion(CardId id, LeaseToken token, String evidence) {

  /** Checks the parts are present. */
  public Completion {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(token, "token");
  }
}
