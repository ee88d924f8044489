package dev.backlog.core;

import dev.backlog.core.internal.JsonText;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One attempt at a card: opened by a claim, ended by completion, release, failure, lapse or
 * revocation. A card's runs are its attempt history, oldest first.
 *
 * <p>Immutable and thread-safe.
 *
 * @param card the card
 * @param owner who claimed it
 * @param token the lease token of the claim
 * @param claimedAt when the claim happened (store clock)
 * @param endedAt when the run ended, or null while it is open
 * @param outcome how it ended, or null while it is open
 * @param reason the failure or block reason, or null
 * @param phase the lease phase last reported, or null
 * @param attributes the lease attributes last reported
 * @param evidence the compact JSON object given on completion, or null
 */
public record Run(
    CardId card,
    String owner,
    LeaseToken token,
    Instant claimedAt,
    Instant endedAt,
    RunOutcome outcome,
    String reason,
    String phase,
    SortedMap<String, String> attributes,
    String evidence) {

  /** Largest evidence accepted, in UTF-8 bytes of its compact form (16 KiB). */
  public static final int MAX_EVIDENCE_BYTES = 16 * 1024;

  /** Checks the required parts; an open run has neither end nor outcome. */
  public Run {
    Objects.requireNonNull(card, "card");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(claimedAt, "claimedAt");
    attributes =
        Collections.unmodifiableSortedMap(
            new TreeMap<>(Objects.requireNonNull(attributes, "attributes")));
    if ((endedAt == null) != (outcome == null)) {
      throw new IllegalArgumentException(
          "run " + token + " of card " + card + " needs both an end and an outcome, or neither");
    }
  }

  /** The open run of a claimed card's lease. */
  public static Run open(CardId card, Lease lease) {
    return new Run(
        card,
        lease.owner(),
        lease.token(),
        lease.claimedAt(),
        null,
        null,
        null,
        lease.phase(),
        lease.attributes(),
        null);
  }

  /** The run of a lease that ended at {@code at}. */
  public static Run ended(
      CardId card, Lease lease, Instant at, RunOutcome outcome, String reason, String evidence) {
    return new Run(
        card,
        lease.owner(),
        lease.token(),
        lease.claimedAt(),
        at,
        Objects.requireNonNull(outcome, "outcome"),
        reason,
        lease.phase(),
        lease.attributes(),
        evidence);
  }

  /** How the run ended, when it has. */
  public Optional<RunOutcome> ending() {
    return Optional.ofNullable(outcome);
  }

  /**
   * Checks completion evidence: a JSON object of at most {@value #MAX_EVIDENCE_BYTES} bytes; null
   * is no evidence.
   *
   * @return the evidence in compact form, or null
   * @throws InvalidInputException naming the problem and the limit
   */
  public static String validEvidence(String evidence) {
    if (evidence == null) {
      return null;
    }
    String compact;
    try {
      compact = JsonText.compact(evidence);
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.of(
          "evidence",
          "evidence is not JSON ("
              + e.getMessage()
              + "); give a JSON object such as {\"tests\":\"42 passed\"}");
    }
    if (JsonText.kind(compact) != '{') {
      throw InvalidInputException.of(
          "evidence",
          "evidence must be a JSON object, not '"
              + dev.backlog.core.internal.Checks.show(compact)
              + "'; wrap it, e.g. {\"note\":...}");
    }
    int bytes = compact.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_EVIDENCE_BYTES) {
      throw InvalidInputException.of(
          "evidence",
          "evidence has "
              + bytes
              + " bytes; at most "
              + MAX_EVIDENCE_BYTES
              + " (16 KiB) are allowed; keep a link to larger reports instead");
    }
    return compact;
  }
}
